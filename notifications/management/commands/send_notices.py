"""Write (and send) the periodic notices by hand, as beat would: safe to run again."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import producers

PERIODIC = {
    "stale": producers.stale_progress_notices,
    "digest": producers.milestone_digest_notices,
    "consultations": producers.consultation_notices,
}


class Command(BaseCommand):
    help = (
        "Write the periodic e-mail notices (stale progress reports, the weekly milestone "
        "digest, consultations opened or near their deadline) and send them. A notice already "
        "written for its period is not written again."
    )

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help=f"any of {', '.join(PERIODIC)} (default: all)")
        parser.add_argument("--date", help="the day to run for (YYYY-MM-DD; default: today)")

    def handle(self, *args, kinds: list[str], date: str | None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as bad:
            raise CommandError(f"--date: {bad}") from bad
        if unknown := sorted(set(kinds) - set(PERIODIC)):
            raise CommandError(f"unknown: {', '.join(unknown)} (known: {', '.join(PERIODIC)})")
        for name in kinds or list(PERIODIC):
            written = PERIODIC[name](today=today)
            self.stdout.write(f"{name}: {written} notice(s) written")
