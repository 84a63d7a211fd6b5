import datetime as dt

import pytest
import time_machine

from candidates.demo import demo_data_load
from candidates.models import Candidate
from core.demo import demo_accounts_ensure
from core.models import User
from hearings.demo import demo_meetings_load
from hearings.models import FollowUpRequest, Meeting, MeetingKind, MinutesEntry, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    with time_machine.travel(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC), tick=False):
        demo_accounts_ensure()
        demo_data_load()
        yield User.objects.get(username="secretariat")


def test_demo_meetings_are_the_sample_minutes_imported_once(demo):
    assert demo_meetings_load(secretariat=demo) == 3
    assert demo_meetings_load(secretariat=demo) == 3
    kinds = set(Meeting.objects.values_list("kind", flat=True))
    assert kinds == {MeetingKind.WT, MeetingKind.HEARING, MeetingKind.PREP}
    wt = Meeting.objects.get(kind=MeetingKind.WT)
    assert wt.number == 9 and wt.attendees.exists() and wt.minutes.raw_text


def test_demo_remarks_about_the_mlit_report_case_are_linked_to_it(demo):
    demo_meetings_load(secretariat=demo)
    road = Candidate.objects.get(name="土木施設に関する住民からの通報等システム")
    assert road.remarks.filter(text__contains="通報").exists()
    assert road.agenda_items.exists()


def test_real_remarks_are_linked_only_where_the_minutes_speak_of_the_candidate(demo):
    demo_meetings_load(secretariat=demo)
    links = MinutesEntry.candidates.through.objects.select_related(
        "minutesentry__agenda_item", "candidate"
    )
    assert links.exists()
    for link in links:
        entry, candidate = link.minutesentry, link.candidate
        spoken_of = entry.text + (entry.agenda_item.title if entry.agenda_item else "")
        assert candidate.name in spoken_of, (candidate.name, entry.text)
    # The WT's remark on slips concerns real decided targets, none of the invented candidates.
    assert not Candidate.objects.filter(remarks__text__contains="後ろ倒し").exists()


def test_the_mlit_case_has_every_remark_of_its_agenda_item_and_its_decision(demo):
    demo_meetings_load(secretariat=demo)
    road = Candidate.objects.get(name="土木施設に関する住民からの通報等システム")
    wt = Meeting.objects.get(kind=MeetingKind.WT, number=9)
    item = wt.agenda_items.get(number=2)
    assert set(road.remarks.all()) == set(item.entries.all())
    assert wt.decisions.get().candidate == road


def test_the_wt9_demo_meeting_carries_its_requests_once(demo):
    demo_meetings_load(secretariat=demo)
    demo_meetings_load(secretariat=demo)
    wt = Meeting.objects.get(kind=MeetingKind.WT, number=9)
    requests = FollowUpRequest.objects.filter(meeting=wt)
    assert requests.count() == 4
    assert all(r.entry is not None for r in requests)  # each from the remark that asks it
    road = requests.get(candidate__name="土木施設に関する住民からの通報等システム")
    assert (road.ministry.name, road.due_written) == ("国土交通省", "令和8年度上期")
    assert requests.filter(status=RequestStatus.ANSWERED).count() == 1


def test_the_wt9_demo_meeting_carries_its_decisions_once(demo):
    from hearings.models import DecisionBody, DecisionKind

    demo_meetings_load(secretariat=demo)
    demo_meetings_load(secretariat=demo)
    wt = Meeting.objects.get(kind=MeetingKind.WT, number=9)
    decisions = list(wt.decision_records.order_by("agenda_item__number"))
    assert [(d.agenda_item.number, d.kind) for d in decisions] == [
        (1, DecisionKind.OTHER),
        (2, DecisionKind.JUDGMENT_REVIEW),
    ]
    assert all(d.body == DecisionBody.WT for d in decisions)
    road = Candidate.objects.get(name="土木施設に関する住民からの通報等システム")
    assert list(decisions[1].candidates.all()) == [road]
    # The judgment the road system's lifecycle recorded is that decision, not a second one.
    assert decisions[1].transition.to_stage == "judged_other_method"
    assert road.decision_records.count() == 1
