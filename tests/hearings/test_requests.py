"""Requests (要請・宿題): recorded by the secretariat from a remark, answered only by the
addressed ministry, closed by the secretariat with the meeting that heard the answer; overdue
by the milestones' rule on a due date stated at a precision."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.roles import Role
from core.stated_dates import Precision
from hearings import request_services, selectors
from hearings.models import FollowUpRequest, RequestStatus
from tests.factories import CandidateFactory, MeetingFactory, MinistryFactory, MinutesEntryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


@pytest.fixture
def mlit(db):
    return MinistryFactory(name="国土交通省")


@pytest.fixture
def mlit_staff(make_user, mlit):
    return make_user("mlit_staff", Role.MINISTRY_STAFF, ministry=mlit)


@pytest.fixture
def other_staff(make_user):
    return make_user(
        "other_staff", Role.MINISTRY_STAFF, ministry=MinistryFactory(name="厚生労働省")
    )


@pytest.fixture
def remark(mlit):
    entry = MinutesEntryFactory(
        text="国土交通省には、先進自治体の事例を共有するとともに、その結果をご報告いただきたい。"
    )
    entry.candidates.add(
        CandidateFactory(name="土木施設に関する住民からの通報等システム", lead_ministry=mlit)
    )
    return entry


@pytest.fixture
def follow_up(secretariat, remark, mlit):
    return request_services.request_create(
        user=secretariat,
        meeting=remark.meeting,
        entry=remark,
        ministry=mlit,
        candidate=remark.candidates.get(),
        text=remark.text,
        due_date=dt.date(2025, 4, 1),
        due_precision=Precision.FISCAL_YEAR,
    )


def answer(user, follow_up, text="回答", on=dt.date(2026, 11, 1)) -> FollowUpRequest:
    return request_services.request_answer(
        user=user, follow_up=follow_up, version=None, answer=text, answered_on=on
    )


def test_a_request_due_within_a_fiscal_year_is_overdue_from_the_first_of_april(follow_up):
    """令和7年度中 is due through 2026-03-31: overdue on 2026-04-01, in SQL and on the row."""
    assert (follow_up.due_date, follow_up.due_written) == (dt.date(2026, 3, 31), "令和7年度中")
    for today, days in ((dt.date(2026, 3, 31), None), (dt.date(2026, 4, 1), 1)):
        assert follow_up.overdue_days_on(today) == days
        assert FollowUpRequest.objects.overdue(today).exists() == (days is not None)
        with time_machine.travel(dt.datetime(today.year, today.month, today.day, 12), tick=False):
            assert follow_up.overdue_days == days


def test_an_answered_request_is_no_longer_overdue(follow_up, mlit_staff):
    answered = request_services.request_answer(
        user=mlit_staff,
        follow_up=follow_up,
        version=follow_up.version,
        answer="事例集を作成し、次回のWTで報告する。",
        answered_on=dt.date(2026, 11, 1),
    )
    assert answered.status == RequestStatus.ANSWERED
    assert answered.overdue_days_on(dt.date(2026, 11, 24)) is None
    assert not selectors.overdue_requests(today=dt.date(2026, 11, 24)).exists()


def test_only_the_addressed_ministry_answers(follow_up, other_staff, secretariat, wt_member):
    for user in (other_staff, secretariat, wt_member):
        with pytest.raises(PermissionDenied):
            answer(user, follow_up)
    follow_up.refresh_from_db()
    assert follow_up.status == RequestStatus.OPEN


def test_a_request_to_the_secretariat_is_answered_by_the_secretariat(
    secretariat, remark, mlit_staff
):
    homework = request_services.request_create(
        user=secretariat, meeting=remark.meeting, text="進捗管理を引き続き行うこと"
    )
    assert homework.addressee == "事務局"
    with pytest.raises(PermissionDenied):
        answer(mlit_staff, homework, "x")
    answer(secretariat, homework, "対応済み")


def test_only_the_secretariat_records_and_closes_requests(remark, mlit_staff, follow_up):
    with pytest.raises(PermissionDenied):
        request_services.request_create(user=mlit_staff, meeting=remark.meeting, text="x")
    with pytest.raises(PermissionDenied):
        request_services.request_close(user=mlit_staff, follow_up=follow_up, version=None)


def test_an_answer_needs_text_and_a_date_not_in_the_future_nor_before_the_meeting(
    follow_up, mlit_staff
):
    for text, day, field in (
        ("  ", dt.date(2026, 11, 1), "answer"),
        ("回答", dt.date(2026, 11, 25), "answered_on"),
        ("回答", dt.date(2026, 2, 3), "answered_on"),
    ):
        with pytest.raises(ValidationError) as refused:
            answer(mlit_staff, follow_up, text, day)
        assert field in refused.value.error_dict


def test_a_closed_request_takes_no_answer(follow_up, secretariat, mlit_staff):
    later = MeetingFactory(date=dt.date(2026, 6, 1))
    closed = request_services.request_close(
        user=secretariat, follow_up=follow_up, version=follow_up.version, reported_at=later
    )
    assert (closed.status, closed.reported_at) == (RequestStatus.CLOSED, later)
    with pytest.raises(ValidationError):
        answer(mlit_staff, closed)


def test_the_secretariat_records_a_request_from_a_remark_in_one_step(
    client, secretariat, remark, mlit
):
    client.force_login(secretariat)
    page = client.get(remark.meeting.get_absolute_url()).content.decode()
    url = reverse("hearings:request_create", args=[remark.pk])
    assert url in page
    form = client.get(url).context["form"]
    # Prefilled from the remark: its text, its candidate and that candidate's ministry.
    assert form.initial["text"] == remark.text
    assert form.initial["ministry"] == mlit
    response = client.post(
        url,
        {
            "ministry": mlit.pk,
            "candidate": remark.candidates.get().pk,
            "text": remark.text,
            "due_precision": "fiscal_year",
            "due_fiscal_year": "2026",
        },
    )
    assert response.status_code == 302
    created = FollowUpRequest.objects.get()
    assert (created.entry, created.meeting, created.due_written) == (
        remark,
        remark.meeting,
        "令和8年度中",
    )


def test_a_request_without_text_or_with_a_bad_due_date_is_refused_with_a_400(
    client, secretariat, remark
):
    client.force_login(secretariat)
    url = reverse("hearings:request_create", args=[remark.pk])
    for data in ({"text": ""}, {"text": "x", "due_precision": "half", "due_fiscal_year": "2026"}):
        assert client.post(url, data).status_code == 400
    assert not FollowUpRequest.objects.exists()


def test_the_ministry_answers_and_the_secretariat_sees_the_answer(
    client, follow_up, mlit_staff, secretariat
):
    client.force_login(mlit_staff)
    listing = client.get(reverse("hearings:requests")).content.decode()
    assert follow_up.get_absolute_url() in listing
    response = client.post(
        reverse("hearings:request_answer", args=[follow_up.pk]),
        {"answer": "事例集を作成中", "answered_on": "2026-11-20", "version": follow_up.version},
    )
    assert response.status_code == 302
    client.force_login(secretariat)
    assert "事例集を作成中" in client.get(follow_up.get_absolute_url()).content.decode()
    candidate_page = client.get(follow_up.candidate.get_absolute_url()).content.decode()
    assert "事例集を作成中" in candidate_page


def test_another_ministry_gets_403_on_the_answer_page(client, follow_up, other_staff):
    client.force_login(other_staff)
    url = reverse("hearings:request_answer", args=[follow_up.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"answer": "x", "answered_on": "2026-11-20"}).status_code == 403


def test_overdue_requests_appear_on_the_dashboard(client, follow_up, wt_member):
    client.force_login(wt_member)
    response = client.get(reverse("candidates:dashboard"))
    assert response.context["dashboard"].overdue_request_count == 1
    assert follow_up.get_absolute_url() in response.content.decode()


def test_the_ministry_staff_land_on_their_ministry_page(client, follow_up, mlit_staff, mlit):
    client.force_login(mlit_staff)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("candidates:ministry", args=[mlit.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["page"].requests == [follow_up]
    assert [c.name for c in page.context["page"].candidates] == [
        "土木施設に関する住民からの通報等システム"
    ]
    assert [r.pk for r in page.context["page"].remarks] == [follow_up.entry_id]


def test_deleting_a_meeting_counts_its_requests_and_takes_them_with_it(
    client, secretariat, follow_up
):
    client.force_login(secretariat)
    url = reverse("hearings:delete", args=[follow_up.meeting.pk])
    assert "この会議からの要請 1件" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not FollowUpRequest.objects.exists()


def test_the_council_report_lists_requests_overdue_on_its_as_of_date(follow_up):
    from candidates.models import CouncilReport
    from candidates.report_pdf import report_html

    def overdue_section(as_of, **scope) -> str:
        html = report_html(CouncilReport.objects.create(as_of=as_of, **scope))
        return html.split('id="overdue-requests"')[1].split("</section>")[0]

    assert follow_up.text[:30] not in overdue_section(dt.date(2026, 3, 31))
    late = overdue_section(dt.date(2026, 4, 1))
    assert follow_up.text[:30] in late and "令和7年度中" in late
    other = MinistryFactory(name="総務省")
    assert follow_up.text[:30] not in overdue_section(dt.date(2026, 4, 1), ministry_ids=[other.pk])
