import pytest

from candidates.demo import demo_data_load
from candidates.lifecycle import Stage
from candidates.models import Candidate, MilestoneChange
from candidates.selectors import dashboard, slip_rows
from core.demo import demo_accounts_ensure
from core.models import User

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
    assert road.judgment == Stage.JUDGED_OTHER_METHOD
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
