"""The data set's sizes and the software versions, for the report (started by bench/run.py)."""

from __future__ import annotations

from bench.common import setup, write_results


def main() -> None:
    setup()
    import django
    import weasyprint
    from django.db import connection
    from django.db.models import Avg, Max, Min
    from django.db.models.functions import Length

    from candidates.models import (
        Candidate,
        LifecycleTransition,
        Milestone,
        MilestoneChange,
        ProgressUpdate,
    )
    from hearings.models import AgendaItem, Attendee, Meeting, MinutesEntry
    from municipalities.models import LocalGovernment

    lengths = MinutesEntry.objects.annotate(n=Length("text")).aggregate(
        min=Min("n"), avg=Avg("n"), max=Max("n")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    data = {
        "local_governments": LocalGovernment.objects.exclude(kind="ward").count(),
        "wards": LocalGovernment.objects.filter(kind="ward").count(),
        "candidates": Candidate.objects.count(),
        "fiscal_years": Candidate.objects.values("selected_fiscal_year").distinct().count(),
        "milestones": Milestone.objects.count(),
        "changes": MilestoneChange.objects.count(),
        "transitions": LifecycleTransition.objects.count(),
        "progress_updates": ProgressUpdate.objects.count(),
        "co_ministry_links": Candidate.co_ministries.through.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendees": Attendee.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
        "entries": MinutesEntry.objects.count(),
        "entry_chars": lengths,
        "entry_candidate_links": MinutesEntry.candidates.through.objects.count(),
        "postgres": postgres,
        "database_size": size,
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
    }
    write_results("facts", data)


if __name__ == "__main__":
    main()
