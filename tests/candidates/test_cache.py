"""The dashboard's cache: computed once per change, never showing figures older than a commit."""

import datetime as dt

import pytest
from django.urls import reverse

from candidates import cache, services
from candidates.models import Milestone, MilestoneKind
from hearings import request_services
from tests.factories import MeetingFactory
from tests.slips import slipped_milestone

pytestmark = pytest.mark.django_db


def slip_count(client) -> int:
    return client.get(reverse("candidates:dashboard")).context["dashboard"].slip_count


def test_a_second_view_reads_the_cache(client, wt_member, candidate, django_assert_num_queries):
    client.force_login(wt_member)
    client.get(reverse("candidates:dashboard"))
    # session, user, the counter, the user's groups (the menu): no aggregate runs again
    with django_assert_num_queries(4):
        response = client.get(reverse("candidates:dashboard"))
    assert response.context["dashboard"].totals == {"candidates": 1}


def test_every_tracked_write_bumps_the_counter_after_it_commits(
    candidate, secretariat, ministry_mlit, mhlw, django_capture_on_commit_callbacks
):
    def bumps(write) -> int:
        before = cache.current()
        with django_capture_on_commit_callbacks(execute=True):
            write()
        return cache.current() - before

    milestone = services.milestone_create(
        user=secretariat, candidate=candidate, kind=MilestoneKind.PILOT
    )
    assert bumps(lambda: candidate.save()) == 1
    assert bumps(lambda: candidate.co_ministries.add(mhlw)) == 1
    assert bumps(lambda: mhlw.save()) == 1
    assert bumps(lambda: milestone.delete()) >= 1
    assert (
        bumps(
            lambda: slipped_milestone(
                candidate=candidate,
                secretariat=secretariat,
                editor=ministry_mlit,
                reason="理由",
                added_value="",
            )
        )
        >= 2  # the milestone and its date change
    )
    meeting = MeetingFactory()
    assert (
        bumps(
            lambda: request_services.request_create(
                user=secretariat, meeting=meeting, text="結果を報告すること"
            )
        )
        == 1  # the dashboard lists overdue requests
    )
    with django_capture_on_commit_callbacks(execute=False) as pending:
        candidate.save()
    assert cache.current() and len(pending) == 1  # nothing before the commit


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_shows_a_slip_as_soon_as_it_is_saved(
    client, wt_member, candidate, secretariat, ministry_mlit
):
    """Real commits (a transactional test): the edit through the page is on the next view."""
    client.force_login(wt_member)
    assert slip_count(client) == 0
    milestone = services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.REQUIREMENTS,
        baseline_date=dt.date(2026, 6, 30),
    )
    client.force_login(ministry_mlit)
    response = client.post(
        reverse("candidates:milestone_update", args=[milestone.pk]),
        {
            "version": milestone.version,
            "planned_date": "2026-09-30",
            "actual_date": "",
            "progress_note": "",
            "reason": "仕様の改定",
            "added_value": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Milestone.objects.get(pk=milestone.pk).planned_date == dt.date(2026, 9, 30)
    client.force_login(wt_member)
    assert slip_count(client) == 1
