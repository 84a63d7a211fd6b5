"""The iCalendar feeds: what each user's feed holds (and never holds), how events are written
for Outlook and Google Calendar, and that the secret URL is the only credential."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendars import services
from calendars.models import CalendarFeed
from core.models import AuditEvent
from tests.calendars.conftest import event, fetch, mine_url, uids
from tests.factories import MeetingFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def milestone_uid(milestone) -> str:
    return f"milestone-{milestone.pk}@kyotsuka"


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.pk}@kyotsuka"


def deadline_uid(consultation) -> str:
    return f"consultation-deadline-{consultation.pk}@kyotsuka"


def test_the_secretariat_feed_holds_every_pursued_milestone_meeting_and_deadline(world, token_of):
    feed = fetch(mine_url(token_of(world.users["secretariat"])))
    m = world.milestones
    assert uids(feed) == {
        *(milestone_uid(m[name]) for name in ("overdue", "done", "welfare", "shared")),
        *(meeting_uid(meeting) for meeting in world.meetings.values()),
        *(deadline_uid(c) for c in world.consultations.values()),
    }  # not the undated milestone, nor the milestone of a candidate not pursued


def test_a_wt_member_feed_holds_what_the_secretariat_feed_holds(world, token_of):
    secretariat = fetch(mine_url(token_of(world.users["secretariat"])))
    assert uids(fetch(mine_url(token_of(world.users["wt_member"])))) == uids(secretariat)


def test_an_overdue_slipped_milestone_is_an_all_day_event_saying_so(world, token_of):
    feed = fetch(mine_url(token_of(world.users["secretariat"])))
    milestone = world.milestones["overdue"]
    overdue = event(feed, milestone_uid(milestone))
    assert str(overdue["SUMMARY"]) == (
        "【期限超過】要件定義（公営住宅管理システム）（当初予定から31日遅れ）"
    )
    assert overdue["DTSTART"].params["VALUE"] == "DATE"
    assert overdue.decoded("DTSTART") == dt.date(2026, 10, 31)
    assert overdue.decoded("DTEND") == dt.date(2026, 11, 1)
    url = f"http://testserver/candidates/{milestone.candidate_id}/"
    assert str(overdue["URL"]) == url
    description = str(overdue["DESCRIPTION"])
    assert url in description
    assert "当初予定：令和8年9月30日" in description
    assert "期限超過：24日" in description


def test_a_reached_milestone_is_on_its_actual_date_and_marked_done(world, token_of):
    feed = fetch(mine_url(token_of(world.users["secretariat"])))
    done = event(feed, milestone_uid(world.milestones["done"]))
    assert str(done["SUMMARY"]) == "【完了】調達（公営住宅管理システム）"
    assert done.decoded("DTSTART") == dt.date(2026, 6, 30)


def test_a_meeting_with_a_start_time_is_timed_in_tokyo(world, token_of):
    feed = fetch(mine_url(token_of(world.users["secretariat"])))
    meeting = event(feed, meeting_uid(world.meetings["decided"]))
    assert str(meeting["SUMMARY"]) == "第9回ワーキングチーム"
    assert meeting["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert meeting.decoded("DTSTART").isoformat() == "2026-02-04T14:00:00+09:00"
    assert meeting.decoded("DTEND").isoformat() == "2026-02-04T16:00:00+09:00"
    assert str(meeting["LOCATION"]) == "中央合同庁舎"
    assert [str(tz["TZID"]) for tz in feed.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    untimed = event(feed, meeting_uid(world.meetings["welfare"]))
    assert untimed.decoded("DTSTART") == dt.date(2026, 3, 4)
    assert untimed.decoded("DTEND") == dt.date(2026, 3, 5)


def test_a_consultation_deadline_is_an_all_day_event(world, token_of):
    feed = fetch(mine_url(token_of(world.users["secretariat"])))
    consultation = world.consultations["hiroshima"]
    deadline = event(feed, deadline_uid(consultation))
    assert str(deadline["SUMMARY"]) == "【回答期限】広島県内への意見照会"
    assert deadline.decoded("DTSTART") == dt.date(2026, 11, 30)
    assert deadline.decoded("DTEND") == dt.date(2026, 12, 1)
    assert f"http://testserver/consultations/{consultation.pk}/" in str(deadline["DESCRIPTION"])


def test_the_same_object_keeps_its_uid_when_it_changes(world, token_of):
    token = token_of(world.users["secretariat"])
    milestone = world.milestones["welfare"]
    before = event(fetch(mine_url(token)), milestone_uid(milestone))
    milestone.planned_date = dt.date(2026, 12, 25)
    milestone.save()
    after = event(fetch(mine_url(token)), milestone_uid(milestone))
    assert after.decoded("DTSTART") == dt.date(2026, 12, 25) != before.decoded("DTSTART")


def test_a_ministry_feed_never_holds_another_ministrys_milestones(world, token_of):
    feed = uids(fetch(mine_url(token_of(world.users["ministry_a"]))))
    m, meetings, c = world.milestones, world.meetings, world.consultations
    assert {milestone_uid(m[name]) for name in ("overdue", "done", "shared")} <= feed
    assert milestone_uid(m["welfare"]) not in feed  # 厚生労働省's own candidate
    assert milestone_uid(m["ended"]) not in feed  # not pursued any more
    assert meeting_uid(meetings["decided"]) in feed  # decided 公営住宅管理システム
    assert meeting_uid(meetings["welfare"]) not in feed
    assert not any(deadline_uid(x) in feed for x in c.values())

    other = uids(fetch(mine_url(token_of(world.users["ministry_b"]))))
    assert {milestone_uid(m["welfare"]), milestone_uid(m["shared"])} <= other
    assert not {milestone_uid(m["overdue"]), milestone_uid(m["done"])} & other
    assert deadline_uid(c["welfare_policy"]) in other  # a consultation on its candidate


def test_a_municipality_feed_never_holds_another_bodys_deadlines(world, token_of):
    feed = uids(fetch(mine_url(token_of(world.users["municipality"]))))
    c = world.consultations
    assert feed == {
        deadline_uid(c["hiroshima"]),  # 広島県 and its municipalities are asked
        deadline_uid(c["welfare_policy"]),  # every local government is asked
        meeting_uid(world.meetings["kure"]),  # 呉市's staff attended
    }


def test_an_association_feed_holds_its_deadlines_and_hearings_only(world, token_of):
    feed = uids(fetch(mine_url(token_of(world.users["association"]))))
    c = world.consultations
    assert feed == {deadline_uid(c["mayors"]), meeting_uid(world.meetings["mayors"])}


def test_a_candidate_feed_holds_its_milestones_and_the_meetings_that_decided_it(world, token_of):
    candidate = world.candidates["ended"]
    url = reverse(
        "calendars:candidate",
        kwargs={"token": token_of(world.users["municipality"]), "pk": candidate.pk},
    )
    feed = fetch(url)
    assert uids(feed) == {
        milestone_uid(world.milestones["ended"]),
        meeting_uid(world.meetings["decided"]),
    }
    assert str(feed["X-WR-CALNAME"]) == "見送り システム（共通化候補）"


def test_a_candidate_feed_of_no_candidate_is_not_found(world, token_of):
    url = reverse(
        "calendars:candidate", kwargs={"token": token_of(world.users["secretariat"]), "pk": 99999}
    )
    assert Client().get(url).status_code == 404


def test_after_a_reset_the_old_url_is_not_found(world):
    user = world.users["ministry_a"]
    old = services.feed_token_reset(user=user)
    new = services.feed_token_reset(user=user)
    candidate = world.candidates["housing"]
    assert Client().get(mine_url(old)).status_code == 404
    old_candidate = reverse("calendars:candidate", kwargs={"token": old, "pk": candidate.pk})
    assert Client().get(old_candidate).status_code == 404
    assert Client().get(mine_url(new)).status_code == 200


def test_after_stopping_the_feed_its_url_is_not_found(world):
    user = world.users["ministry_a"]
    token = services.feed_token_reset(user=user)
    services.feed_token_revoke(user=user)
    assert Client().get(mine_url(token)).status_code == 404


def test_an_unknown_token_is_not_found(world):
    assert Client().get(mine_url("not-a-token")).status_code == 404


def test_a_deactivated_users_feed_is_not_found(world, token_of):
    user = world.users["ministry_a"]
    token = token_of(user)
    user.is_active = False
    user.save()
    assert Client().get(mine_url(token)).status_code == 404


def test_a_user_who_lost_every_role_has_no_feed(world, token_of):
    user = world.users["ministry_a"]
    token = token_of(user)
    user.groups.clear()
    assert Client().get(mine_url(token)).status_code == 404


def test_only_a_digest_of_the_token_is_stored(world, token_of):
    token = token_of(world.users["secretariat"])
    feed = CalendarFeed.objects.get(user=world.users["secretariat"])
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(list(CalendarFeed.objects.values_list()))


def test_a_write_to_a_feed_url_is_refused_and_recorded_without_the_token(world, token_of):
    token = token_of(world.users["secretariat"])
    response = Client().post(mine_url(token))
    assert response.status_code == 405
    event = AuditEvent.objects.latest("pk")
    assert event.path == "/calendars/[redacted]/mine.ics"
    assert token not in event.path


QUERIES = {
    "secretariat": (5, 5),
    "ministry_a": (5, 5),
    "municipality": (6, 5),
    "association": (4, 5),
}


def queries(url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["secretariat", "ministry_a", "municipality", "association"])
def test_a_feeds_queries_do_not_grow_with_rows(world, token_of, role):
    url = mine_url(token_of(world.users[role]))
    candidate_url = reverse(
        "calendars:candidate",
        kwargs={"token": url.split("/")[2], "pk": world.candidates["housing"].pk},
    )
    before = queries(url), queries(candidate_url)
    mayors = world.meetings["mayors"].association
    for _ in range(3):
        for name in ("housing", "shared"):
            MilestoneFactory.create(candidate=world.candidates[name])
        MeetingFactory.create(association=mayors, kind="hearing")
    assert (queries(url), queries(candidate_url)) == before
    # The token's user with its ministry and bodies, its groups, then one query per kind of
    # event (a body's meetings and consultations take two each); the candidate feed adds the
    # candidate.
    assert before == QUERIES[role]
