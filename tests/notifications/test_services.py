"""E-mail notices: who gets what, once, in their language, with a link; failed sends retried."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse

from candidates import reports
from candidates import services as candidate_services
from candidates.models import CouncilReport, Milestone, Ministry, ProgressStatus, ReportStatus
from candidates.tasks import generate_council_report, sweep_council_reports
from consultations import services as consultation_services
from consultations.models import SubjectKind
from consultations.services import Addressees, OpinionValues
from municipalities.models import Association, LocalGovernment
from notifications import producers, services
from notifications.models import Notice, NoticeKind, NoticeStatus
from notifications.tasks import SEND_ERRORS, send_notice
from tests.factories import CandidateFactory, MinistryFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
SITE = "https://kyotsuka.example.go.jp"
TRIES = (send_notice.max_retries or 0) + 1  # the first and every retry


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def choose(user, *, off=(), language="ja"):
    enabled = [k.value for k in services.kinds_for(user) if k not in off]
    services.preferences_save(user=user, enabled_kinds=enabled, language=language)


# --- ministries: stale progress reports, weekly digest -----------------------------------


def test_a_stale_ministrys_staff_get_one_reminder_a_month_however_often_it_runs(world, committed):
    first = committed(producers.stale_progress_notices, today=TODAY)
    again = committed(producers.stale_progress_notices, today=TODAY)
    assert first == 3  # ministry A's two staff with an address, ministry B's one
    assert again == 0
    assert Notice.objects.filter(kind=NoticeKind.STALE_PROGRESS).count() == 3
    [message] = sent_to("a@mlit.example.go.jp")
    assert message.subject == "【進捗報告のお願い】国土交通省"
    assert "90日以上、進捗報告が登録されていません" in message.body
    mlit = world.ministries["mlit"].pk
    assert f"{SITE}/candidates/?ministry={mlit}" in message.body
    # Next month is another reminder.
    assert producers.stale_progress_notices(today=dt.date(2026, 12, 1)) == 3


def test_a_ministry_with_recent_progress_gets_no_reminder(world, committed):
    candidate_services.progress_update_create(
        user=world.users["ministry_a"],
        candidate=world.candidates["housing"],
        as_of=TODAY,
        status=ProgressStatus.ON_TRACK,
        cost_note="範囲内",
    )
    committed(producers.stale_progress_notices, today=TODAY)
    assert not sent_to("a@mlit.example.go.jp")
    assert sent_to("b@mhlw.example.go.jp")


def test_the_weekly_digest_lists_overdue_and_soon_due_milestones_of_the_ministry(world, committed):
    assert (
        committed(producers.milestone_digest_notices, today=TODAY) == 2
    )  # ministry A's staff only
    assert committed(producers.milestone_digest_notices, today=TODAY) == 0
    [message] = sent_to("a@mlit.example.go.jp")
    assert message.subject == "【週次】期限超過1件・期限間近1件（国土交通省）"
    assert "公営住宅管理システム / 要件定義：令和8年10月31日（24日超過）" in message.body
    assert "公営住宅管理システム / 調達：令和8年12月1日" in message.body
    assert not sent_to("b@mhlw.example.go.jp")  # its one milestone is months away


def test_the_weekly_digest_lists_the_requests_addressed_to_the_ministry_still_open(
    world, committed
):
    from hearings import request_services
    from hearings.models import FollowUpRequest, RequestStatus
    from tests.factories import MeetingFactory

    meeting = MeetingFactory.create(title="第9回ワーキングチーム", date=dt.date(2026, 2, 4))
    ask = dict(user=world.users["secretariat"], meeting=meeting)
    request_services.request_create(
        **ask,
        text="実証の結果を次回報告すること。",
        ministry=world.ministries["mlit"],
        due_date=dt.date(2026, 10, 31),
    )
    answered = request_services.request_create(
        **ask, text="答えた要請", ministry=world.ministries["mlit"]
    )
    FollowUpRequest.objects.filter(pk=answered.pk).update(
        status=RequestStatus.ANSWERED, answer="回答", answered_on=TODAY
    )
    request_services.request_create(**ask, text="厚労省への要請", ministry=world.ministries["mhlw"])
    committed(producers.milestone_digest_notices, today=TODAY)
    [message] = sent_to("a@mlit.example.go.jp")
    assert message.subject == "【週次】期限超過1件・期限間近1件・未回答の要請1件（国土交通省）"
    assert "未回答の要請（1件）" in message.body
    assert (
        "第9回ワーキングチーム / 実証の結果を次回報告すること。：令和8年10月31日（24日超過）"
        in (message.body)
    )
    assert "答えた要請" not in message.body
    # 厚生労働省: no milestone soon, but a request open: the digest is sent for it alone.
    [other] = sent_to("b@mhlw.example.go.jp")
    assert "厚労省への要請：期限なし" in other.body


def test_a_notice_is_written_in_the_users_language(world, committed):
    Ministry.objects.filter(pk=world.ministries["mlit"].pk).update(
        name_en="Ministry of Land, Infrastructure, Transport and Tourism"
    )
    choose(world.users["ministry_a_en"], language="en")
    committed(producers.milestone_digest_notices, today=TODAY)
    [english] = sent_to("en@mlit.example.go.jp")
    [japanese] = sent_to("a@mlit.example.go.jp")
    assert english.subject.startswith("[Weekly]")
    assert english.body.startswith("Dear ministry_a_en,")
    assert english.subject == (
        "[Weekly] 1 overdue, 1 due soon (Ministry of Land, Infrastructure, Transport and Tourism)"
    )
    assert "Overdue (1)" in english.body
    assert "31 October 2026 (24 days overdue)" in english.body
    assert "https://kyotsuka.example.go.jp/candidates/?ministry=" in english.body
    assert japanese.body.startswith("ministry_a 様")
    assert Notice.objects.get(to_email="en@mlit.example.go.jp").language == "en"


def test_a_user_who_opted_out_of_a_kind_does_not_get_it(world, committed):
    choose(world.users["ministry_a"], off=[NoticeKind.MILESTONE_DIGEST])
    committed(producers.milestone_digest_notices, today=TODAY)
    committed(producers.stale_progress_notices, today=TODAY)
    assert [m.subject for m in sent_to("a@mlit.example.go.jp")] == [
        "【進捗報告のお願い】国土交通省"
    ]
    assert sent_to("en@mlit.example.go.jp")  # a colleague still gets both


def test_nobody_who_may_not_read_the_product_gets_a_notice(world, make_user, committed):
    users = world.users
    gone = users["ministry_a_en"]
    gone.is_active = False
    gone.save()
    assert not services.may_receive(users["no_role"], NoticeKind.SLIP_RECORDED)
    assert not services.may_receive(gone, NoticeKind.STALE_PROGRESS)
    assert not services.may_receive(users["no_address"], NoticeKind.STALE_PROGRESS)
    committed(producers.stale_progress_notices, today=TODAY)
    assert {m.to[0] for m in mail.outbox} == {"a@mlit.example.go.jp", "b@mhlw.example.go.jp"}


# --- the secretariat: slips --------------------------------------------------------------


def move_soon_milestone(world, who: str, planned: dt.date, reason: str = ""):
    milestone = Milestone.objects.get(pk=world.milestones["soon"].pk)
    return candidate_services.milestone_update(
        user=world.users[who],
        milestone=milestone,
        version=milestone.version,
        planned_date=planned,
        actual_date=None,
        progress_note="",
        reason=reason,
    )


def test_a_recorded_slip_is_told_to_the_secretariat_after_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move_soon_milestone(
            world, "ministry_a", dt.date(2027, 3, 31), reason="仕様の確定が遅れたため"
        )
    assert {m.to[0] for m in mail.outbox} == {"jimukyoku@example.go.jp", "s2@example.go.jp"}
    message = sent_to("jimukyoku@example.go.jp")[0]
    assert message.subject == "【後ろ倒し】公営住宅管理システム：調達"
    assert "予定日：令和8年12月1日 → 令和9年3月31日" in message.body
    assert "理由：仕様の確定が遅れたため" in message.body
    assert f"{SITE}/candidates/{world.candidates['housing'].pk}/" in message.body


def test_an_earlier_date_is_no_slip_and_the_recorder_is_not_told(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move_soon_milestone(world, "secretariat", dt.date(2026, 11, 30))
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        move_soon_milestone(world, "secretariat", dt.date(2027, 1, 29), reason="調整")
    assert [m.to[0] for m in mail.outbox] == ["s2@example.go.jp"]


# --- the requester: council reports ------------------------------------------------------


def test_the_requester_is_told_when_the_report_is_ready_or_failed(world, monkeypatch, committed):
    secretariat = world.users["secretariat"]
    ready = reports.report_request(user=secretariat, as_of=TODAY, queue=False)
    failed = reports.report_request(user=secretariat, as_of=TODAY, queue=False)

    def generate(report_id):
        CouncilReport.objects.filter(pk=report_id).update(status=ReportStatus.DONE)
        return CouncilReport.objects.get(pk=report_id)

    monkeypatch.setattr(reports, "report_generate", generate)
    committed(generate_council_report.apply, args=(ready.pk,))
    committed(generate_council_report.apply, args=(ready.pk,))  # run twice: told once

    def broken(report_id):
        raise ValueError("レイアウトの崩れ")

    monkeypatch.setattr(reports, "report_generate", broken)
    with pytest.raises(ValueError, match="レイアウトの崩れ"):
        committed(generate_council_report.apply, args=(failed.pk,))
    subjects = [m.subject for m in sent_to("jimukyoku@example.go.jp")]
    assert subjects == [
        "【報告書】令和8年11月24日 時点の報告書ができました",
        "【報告書】令和8年11月24日 時点の報告書を作成できませんでした",
    ]
    assert "ValueError: レイアウトの崩れ" in sent_to("jimukyoku@example.go.jp")[1].body
    assert f"{SITE}/candidates/reports/" in sent_to("jimukyoku@example.go.jp")[0].body
    assert not sent_to("s2@example.go.jp")  # only the requester


def test_a_scheduled_report_has_nobody_to_tell(world, committed):
    report = reports.report_request(user=None, as_of=TODAY, queue=False)
    CouncilReport.objects.filter(pk=report.pk).update(status=ReportStatus.DONE)
    assert committed(producers.report_notices, report_id=report.pk) == 0


# --- addressees: consultations -----------------------------------------------------------


def consultation(world, *, opens_on, deadline, prefectures=(), associations=()):
    return consultation_services.consultation_create(
        user=world.users["secretariat"],
        title="公営住宅管理システムの進め方に関する意見照会",
        subject_kind=SubjectKind.FREE,
        subject_text="進め方",
        free_questions=["進め方について"],
        opens_on=opens_on,
        deadline=deadline,
        addressees=Addressees(prefectures=list(prefectures), associations=list(associations)),
    )


def test_those_asked_are_told_when_a_consultation_opens(
    world, django_capture_on_commit_callbacks, committed
):
    hiroshima = LocalGovernment.objects.get(code="340006")
    mayors = Association.objects.get(slug="mayors")
    with django_capture_on_commit_callbacks(execute=True):
        asked = consultation(
            world,
            opens_on=TODAY,
            deadline=dt.date(2026, 12, 24),
            prefectures=[hiroshima],
            associations=[mayors],
        )
    assert {m.to[0] for m in mail.outbox} == {"kure@example.lg.jp", "mayors@example.or.jp"}
    message = sent_to("kure@example.lg.jp")[0]
    assert message.subject == "【意見照会】公営住宅管理システムの進め方に関する意見照会"
    assert "回答期限：令和8年12月24日" in message.body
    assert f"{SITE}/consultations/{asked.pk}/" in message.body
    assert (
        committed(producers.consultation_notices, today=TODAY) == 0
    )  # the daily run: already told


def test_a_later_opening_is_told_by_the_daily_run_on_its_day(
    world, django_capture_on_commit_callbacks, committed
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation(
            world,
            opens_on=dt.date(2026, 12, 1),
            deadline=dt.date(2026, 12, 24),
            associations=[Association.objects.get(slug="mayors")],
        )
    assert not mail.outbox
    assert committed(producers.consultation_notices, today=dt.date(2026, 11, 30)) == 0
    assert committed(producers.consultation_notices, today=dt.date(2026, 12, 1)) == 1


def test_those_who_have_not_answered_are_reminded_days_before_the_deadline(world, committed):
    hiroshima = LocalGovernment.objects.get(code="340006")
    mayors = Association.objects.get(slug="mayors")
    asked = consultation(
        world,
        opens_on=dt.date(2026, 11, 1),
        deadline=dt.date(2026, 11, 30),
        prefectures=[hiroshima],
        associations=[mayors],
    )
    consultation_services.answer_save(
        user=world.users["association"],
        consultation=asked,
        association=mayors,
        opinions={q.pk: OpinionValues(text="賛成") for q in asked.questions.all()},
        submit=True,
        version=None,
    )
    assert (
        committed(producers.consultation_notices, today=dt.date(2026, 11, 26)) == 0
    )  # 4 days: not yet
    assert committed(producers.consultation_notices, today=dt.date(2026, 11, 27)) == 1
    assert committed(producers.consultation_notices, today=dt.date(2026, 11, 28)) == 0  # once
    [message] = mail.outbox
    assert message.to == ["kure@example.lg.jp"]  # 全国市長会 has answered
    assert message.subject.startswith("【回答期限が近づいています】")
    assert "回答期限まであと3日です" in message.body


# --- sending: once, retried, failed ------------------------------------------------------


def a_notice(world, committed) -> Notice:
    committed(producers.stale_progress_notices, today=TODAY)
    mail.outbox.clear()
    notice = Notice.objects.get(to_email="a@mlit.example.go.jp")
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.PENDING, sent_at=None, attempts=0
    )
    return notice


def test_a_retried_or_redelivered_send_task_sends_once(world, committed):
    notice = a_notice(world, committed)
    committed(send_notice.apply, args=(notice.pk,))
    committed(send_notice.apply, args=(notice.pk,))
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 1)
    assert notice.sent_at is not None


FAILURES: list[int] = []


class FlakySMTP(BaseEmailBackend):
    """Refuses the first FAILURES[0] messages as a server that went away, then accepts."""

    def send_messages(self, email_messages):
        if FAILURES[0] > 0:
            FAILURES[0] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(email_messages)
        return len(email_messages)


def as_a_worker_would(notice_id: int) -> int:
    """Run the send task and its retries as a worker does (each a new run with its retry
    count; the back-off is the broker's wait between them); returns how many runs."""
    for retries in range(TRIES):
        try:
            send_notice.apply(args=(notice_id,), retries=retries)
        except Retry:
            assert Notice.objects.get(pk=notice_id).status == NoticeStatus.PENDING
            continue
        return retries + 1
    raise AssertionError("the last try asked for another")


def test_a_failed_send_is_retried_and_then_goes(world, settings, committed):
    notice = a_notice(world, committed)
    settings.EMAIL_BACKEND = "tests.notifications.test_services.FlakySMTP"
    FAILURES[:] = [2]
    assert as_a_worker_would(notice.pk) == 3
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.error) == (NoticeStatus.SENT, 3, "")
    assert len(mail.outbox) == 1


def test_a_send_that_fails_every_try_is_marked_failed_with_its_error(world, settings, committed):
    notice = a_notice(world, committed)
    settings.EMAIL_BACKEND = "tests.notifications.test_services.FlakySMTP"
    FAILURES[:] = [100]
    assert as_a_worker_would(notice.pk) == TRIES
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    assert notice.attempts == TRIES
    assert notice.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert not mail.outbox
    send_notice.apply(args=(notice.pk,))  # a failed notice is not tried again
    notice.refresh_from_db()
    assert notice.attempts == TRIES


def test_the_task_backs_off_between_tries():
    assert send_notice.autoretry_for == SEND_ERRORS
    assert (send_notice.retry_backoff, send_notice.retry_backoff_max) == (30, 3600)
    assert send_notice.retry_jitter


def test_a_send_failure_never_reaches_the_page_that_caused_it(
    world, settings, client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_services.FlakySMTP"
    FAILURES[:] = [100]
    milestone = world.milestones["soon"]
    client.force_login(world.users["ministry_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("candidates:milestone_update", args=[milestone.pk]),
            {"planned_date": "2027-03-31", "reason": "仕様の確定が遅れたため", "version": 1},
        )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.planned_date == dt.date(2027, 3, 31)
    # In-process (no worker to come back later): one try, then failed, in the log.
    assert set(Notice.objects.values_list("status", "attempts")) == {(NoticeStatus.FAILED, 1)}


def test_the_sweep_enqueues_what_a_missing_broker_left_pending(world, committed):
    notice = a_notice(world, committed)
    Notice.objects.filter(pk=notice.pk).update(attempts=0)
    assert committed(services.notices_sweep) == []  # too recent: its task may be on its way
    an_hour_ago = notice.created_at - dt.timedelta(hours=1)
    Notice.objects.filter(pk=notice.pk).update(created_at=an_hour_ago)
    assert committed(services.notices_sweep) == [notice.pk]
    assert len(mail.outbox) == 1


def test_the_sweep_enqueues_a_notice_whose_retry_was_lost_and_fails_one_cut_off(world, committed):
    notice = a_notice(world, committed)
    long_ago = notice.created_at - dt.timedelta(hours=4)
    Notice.objects.filter(pk=notice.pk).update(attempts=2, created_at=long_ago)
    cut_off = Notice.objects.get(to_email="b@mhlw.example.go.jp")
    Notice.objects.filter(pk=cut_off.pk).update(status=NoticeStatus.SENDING, created_at=long_ago)
    assert committed(services.notices_sweep) == [notice.pk]
    assert [m.to for m in mail.outbox] == [["a@mlit.example.go.jp"]]
    cut_off.refresh_from_db()
    assert (cut_off.status, cut_off.error) == (NoticeStatus.FAILED, "interrupted while sending")


def test_a_co_responsible_ministry_sees_the_candidate_in_its_digest_and_no_other_does(
    world, committed
):
    world.candidates["housing"].co_ministries.add(world.ministries["mhlw"])
    committed(producers.milestone_digest_notices, today=TODAY)
    [message] = sent_to("b@mhlw.example.go.jp")
    assert "公営住宅管理システム" in message.body
    assert "介護保険システム" not in message.body  # its own milestone is months away
    third = MinistryFactory(name="総務省")
    CandidateFactory(lead_ministry=third, name="選挙管理システム")
    for body in (m.body for m in mail.outbox):
        assert "選挙管理システム" not in body


def test_the_command_writes_the_periodic_notices_once(world, capsys, committed):
    committed(call_command, "send_notices", date="2026-11-24")
    committed(call_command, "send_notices", "stale", date="2026-11-24")
    out = capsys.readouterr().out
    assert "stale: 3 notice(s) written" in out
    assert "digest: 2 notice(s) written" in out
    assert "stale: 0 notice(s) written" in out
    assert len(mail.outbox) == 5


def test_a_report_the_sweep_gives_up_on_is_told_to_its_requester(world, committed):
    report = reports.report_request(user=world.users["secretariat"], as_of=TODAY, queue=False)
    CouncilReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, attempts=reports.MAX_ATTEMPTS
    )
    committed(sweep_council_reports.apply)
    [message] = mail.outbox
    assert message.subject == "【報告書】令和8年11月24日 時点の報告書を作成できませんでした"
    assert "試行回数の上限に達しました。" in message.body


def test_every_periodic_notice_is_scheduled_and_its_task_exists(settings):
    from config.celery import app

    scheduled = {
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"].startswith("notifications.")
    }
    assert scheduled == {
        "notifications.tasks.send_stale_progress_reminders",
        "notifications.tasks.send_milestone_digests",
        "notifications.tasks.send_consultation_notices",
        "notifications.tasks.sweep_notices",
    }
    assert scheduled <= set(app.tasks)


def test_the_command_refuses_an_unknown_kind():
    with pytest.raises(CommandError, match="unknown: weekly"):
        call_command("send_notices", "weekly")
