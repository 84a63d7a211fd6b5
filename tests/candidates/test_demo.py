import datetime as dt

import pytest
import time_machine

from candidates.demo import REAL_CANDIDATES, demo_data_load
from candidates.lifecycle import Stage
from candidates.models import Candidate, MilestoneChange
from candidates.selectors import dashboard, slip_rows
from core.demo import demo_accounts_ensure
from core.models import User
from hearings.demo import demo_meetings_load
from hearings.models import Meeting, MeetingKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(fixed_today):
    demo_accounts_ensure()
    demo_data_load(today=fixed_today)


def test_demo_candidates_cover_the_lifecycle_and_the_real_mlit_case(demo):
    stages = set(Candidate.objects.values_list("stage", flat=True))
    assert {
        Stage.SELECTED,
        Stage.FEASIBILITY,
        Stage.INTERIM,
        Stage.POLICY_DRAFT,
        Stage.CONSENTED,
        Stage.CONSENT_OMITTED,
        Stage.IN_PROGRESS,
        Stage.IN_SERVICE,
        Stage.REPORTED,
        Stage.CONSULTATION_REQUESTED,
    } <= stages
    road = Candidate.objects.get(name="土木施設に関する住民からの通報等システム")
    assert road.lead_ministry.name == "国土交通省"
    assert road.stage == road.judgment == Stage.JUDGED_OTHER_METHOD
    assert all(c.summary.endswith("（デモデータ）") for c in Candidate.objects.all())


def test_every_demo_slip_has_its_reason_recorded(demo):
    rows = slip_rows()
    assert len(rows) >= 3
    assert all(row.reason for row in rows)
    assert MilestoneChange.objects.filter(changed_by__username="ministry_mlit").exists()


def test_the_demo_dashboard_has_something_due_and_a_stale_ministry(demo, fixed_today):
    data = dashboard(today=fixed_today)
    assert data.due.total and data.due.rows and data.stale


def test_demo_ministry_logins_are_linked_to_their_ministries(demo):
    assert User.objects.get(username="ministry_mlit").ministry.name == "国土交通省"
    assert User.objects.get(username="ministry_mhlw").ministry.name == "厚生労働省"


def test_loading_the_demo_twice_changes_nothing(demo, fixed_today):
    counts = (Candidate.objects.count(), MilestoneChange.objects.count())
    demo_accounts_ensure()
    demo_data_load(today=fixed_today)
    assert (Candidate.objects.count(), MilestoneChange.objects.count()) == counts


def real_facts() -> list[tuple]:
    """What the demo says about the candidates on the public record, and the meetings of their
    decisions."""
    facts = []
    for real in REAL_CANDIDATES:
        candidate = Candidate.objects.get(name=real.name)
        facts.append(
            (
                candidate.name,
                str(candidate.lead_ministry),
                candidate.selected_fiscal_year,
                candidate.official_label,
                candidate.summary,
                candidate.stage,
                candidate.judgment,
                [
                    (
                        t.from_stage,
                        t.to_stage,
                        t.decided_on,
                        t.meeting_text,
                        t.note,
                        t.meeting and (t.meeting.kind, t.meeting.number, t.meeting.date),
                    )
                    for t in candidate.transitions.select_related("meeting").order_by("pk")
                ],
            )
        )
    return facts


def load_everything_on(day: dt.date) -> list[tuple]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False):
        demo_accounts_ensure()
        demo_data_load()
        demo_meetings_load(secretariat=User.objects.get(username="secretariat"))
        return real_facts()


def test_the_real_candidates_facts_do_not_move_with_the_day_the_demo_is_loaded():
    in_march = load_everything_on(dt.date(2026, 3, 10))
    Candidate.objects.all().delete()
    Meeting.objects.all().delete()
    two_years_on = load_everything_on(dt.date(2027, 9, 15))
    assert in_march == two_years_on


def test_the_mlit_report_case_is_recorded_as_the_public_record_has_it():
    load_everything_on(dt.date(2026, 11, 24))
    road = Candidate.objects.get(name="土木施設に関する住民からの通報等システム")
    assert road.official_label == "共通化候補（令和7年度選定分）"
    assert road.lead_ministry.name == "国土交通省"
    assert "道路・公園" in road.summary and "都道府県に限らず複数自治体" in road.summary
    transitions = {t.to_stage: t for t in road.transitions.select_related("meeting")}
    assert transitions[Stage.INTERIM].decided_on == dt.date(2025, 12, 22)
    judged = transitions[Stage.JUDGED_OTHER_METHOD]
    assert judged.decided_on == dt.date(2026, 2, 4)
    assert (judged.meeting.kind, judged.meeting.number) == (MeetingKind.WT, 9)
    assert judged.meeting.date == judged.decided_on
    assert Stage.REPORTED not in transitions  # the report to the council is not on our record
