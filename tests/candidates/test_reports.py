"""Council PDF reports: real PDFs, the fetcher's refusals, idempotence, the queue and the sweep."""

import datetime as dt
import http.server
import logging
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import reports
from candidates.lifecycle import Stage
from candidates.models import CouncilReport, ReportStatus
from candidates.report_pdf import render_pdf, report_html
from tests.pdf import embedded_fonts, page_count, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def tasks_in_process():
    """These tests run tasks in-process even where a broker is configured (CI's second pass),
    because their data lives in the test's uncommitted transaction; tests/workers/ goes
    through Redis and real workers."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def listener():
    """A local HTTP server that counts every request made to it (it should get none)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


@pytest.fixture
def reported(candidate, make_slip):
    make_slip(candidate)
    return candidate


def test_a_real_report_pdf_has_japanese_text_embedded_subset_fonts_and_pages(reported, fixed_today):
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    report = reports.report_generate(report.pk)
    content = reports.report_content(report)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "共通化対象候補の進捗状況" in text
    assert "令和8年11月24日時点" in text
    assert "道路占用許可システム" in text and "標準仕様書の改定に合わせるため" in text
    fonts = embedded_fonts(content)
    assert fonts and all("+" in name for name in fonts)  # subset prefix ABCDEF+Name
    assert report.status == ReportStatus.DONE
    assert report.page_count == page_count(content) >= 4
    assert report.file_size == len(content)


def test_output_is_the_same_for_the_same_data(reported, fixed_today):
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    html = report_html(report)
    assert render_pdf(html).content == render_pdf(html).content


def test_the_fetcher_loads_our_static_files_and_refuses_everything_else(listener, tmp_path):
    url, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    html = f"""<html><head><link rel="stylesheet" href="css/report.css"></head><body>
      <img src="{url}/img"><link rel="stylesheet" href="{url}/css">
      <img src="file://{secret}"><img src="file:///etc/passwd"><img src="ftp://127.0.0.1/x">
      <p>本文</p></body></html>"""
    rendered = render_pdf(html)
    assert hits == []
    assert any(u.startswith(url) for u in rendered.refused_urls)
    assert any("secret.txt" in u for u in rendered.refused_urls)
    assert any("/etc/passwd" in u for u in rendered.refused_urls)
    assert not any("report.css" in u for u in rendered.refused_urls)
    assert embedded_fonts(rendered.content)  # the stylesheet and its font were loaded


def test_the_japanese_font_is_subset_by_harfbuzz_not_by_the_slower_fonttools(caplog):
    """Without libharfbuzz-subset0 (deploy/system-packages.txt) WeasyPrint subsets fonts with
    fontTools, saying so in a warning: 1.5-2 s more for every PDF written, each part of a
    parted report included. Skipped where the package is missing; CI installs it and allows no
    skip."""
    html = """<html lang="ja"><head><link rel="stylesheet" href="css/report.css"></head>
      <body><p>共通化対象候補の進捗状況</p></body></html>"""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        rendered = render_pdf(html)
    assert embedded_fonts(rendered.content)  # a font was subset and embedded
    if any("fontTools" in record.getMessage() for record in caplog.records):
        pytest.skip("WeasyPrint subsets fonts with fontTools: apt-get install libharfbuzz-subset0")


def test_user_text_is_escaped_in_the_pdf_and_fetches_nothing(
    listener, make_candidate, secretariat, fixed_today
):
    url, hits = listener
    hostile = f'<img src="{url}/x">＜script＞alert(1)＜/script＞'
    make_candidate(name=hostile, stage=Stage.SELECTED)
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    html = report_html(report)
    assert "&lt;img src=" in html and f'<img src="{url}' not in html
    report = reports.report_generate(report.pk)
    assert hits == []
    assert "<img src=" in pdf_text(reports.report_content(report))


def test_generating_twice_changes_nothing(reported, fixed_today):
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    first = reports.report_generate(report.pk)
    stamp = (reports.reports_dir() / first.file_name).stat().st_mtime_ns
    assert reports.report_generate(report.pk) is None
    again = CouncilReport.objects.get(pk=report.pk)
    assert (again.status, again.attempts, again.finished_at) == (
        ReportStatus.DONE,
        1,
        first.finished_at,
    )
    assert (reports.reports_dir() / again.file_name).stat().st_mtime_ns == stamp
    assert not list(reports.reports_dir().glob(".partial-*"))


def test_a_running_report_is_taken_over_only_once_its_worker_is_presumed_lost(
    reported, fixed_today
):
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    assert reports.report_claim(report.pk) is not None
    assert reports.report_claim(report.pk) is None  # another worker still has it
    CouncilReport.objects.filter(pk=report.pk).update(
        started_at=report.created_at - reports.running_stale_after() - dt.timedelta(seconds=1)
    )
    taken = reports.report_claim(report.pk)
    assert taken is not None and taken.attempts == 2


def test_a_worker_whose_report_was_taken_over_mid_render_leaves_the_row_to_the_new_worker(
    reported, fixed_today, monkeypatch
):
    from candidates import report_pdf

    report = reports.report_request(user=None, as_of=fixed_today, queue=False)

    def render_while_another_worker_takes_over(html):
        CouncilReport.objects.filter(pk=report.pk).update(
            started_at=timezone.now() + dt.timedelta(seconds=1), attempts=2
        )
        return report_pdf.RenderedPdf(content=b"%PDF-late", page_count=1, refused_urls=[])

    monkeypatch.setattr(report_pdf, "render_pdf", render_while_another_worker_takes_over)
    late = reports.report_generate(report.pk)
    assert (late.status, late.attempts, late.file_name, late.finished_at) == (
        ReportStatus.RUNNING,
        2,
        "",
        None,
    )
    # The file is stored all the same: the new worker writes the same report to the same name.
    stored = reports.reports_dir() / report_pdf.report_file_name(report)
    assert stored.read_bytes() == b"%PDF-late"


def test_a_request_is_enqueued_on_commit_and_done_in_process_without_a_broker(
    client, secretariat, reported, django_capture_on_commit_callbacks, fixed_today
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("candidates:reports"), {"as_of": "2026-11-24"}, follow=True)
    assert len(callbacks) == 1
    assert response.status_code == 200
    report = CouncilReport.objects.get()
    assert report.status == ReportStatus.DONE and report.requested_by == secretariat
    download = client.get(reverse("candidates:report_download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_when_the_broker_is_down_the_request_is_kept_queued_and_the_sweep_finishes_it(
    monkeypatch, reported, fixed_today
):
    from kombu.exceptions import OperationalError

    from candidates import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.generate_council_report, "apply_async", broker_down)
        report = reports.report_request(user=None, as_of=fixed_today)
        assert reports.enqueue(report.pk) is False
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    CouncilReport.objects.filter(pk=report.pk).update(
        created_at=report.created_at - reports.queued_stale_after() - dt.timedelta(seconds=1)
    )
    assert reports.reports_sweep() == [report.pk]  # broker back: enqueued, done in process
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


def test_the_sweep_waits_as_long_as_the_settings_say(reported, fixed_today, settings):
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    CouncilReport.objects.filter(pk=report.pk).update(
        created_at=report.created_at - dt.timedelta(seconds=60)
    )
    settings.KYOTSUKA_REPORT_REQUEUE_SECONDS = 120
    assert reports.reports_sweep() == []  # queued for a minute: not yet
    settings.KYOTSUKA_REPORT_REQUEUE_SECONDS = 30
    assert reports.reports_sweep() == [report.pk]


def test_the_report_task_takes_its_time_limits_from_the_settings(settings):
    from candidates.tasks import generate_council_report

    task = generate_council_report._get_current_object()
    assert task.time_limit == settings.KYOTSUKA_REPORT_TIME_LIMIT
    assert task.soft_time_limit == settings.KYOTSUKA_REPORT_TIME_LIMIT - 30
    assert task.time_limit * 2 <= settings.KYOTSUKA_REPORT_STALE_SECONDS  # killed, then taken over


def test_future_as_of_dates_are_refused(client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("candidates:reports"), {"as_of": "2099-01-01"})
    assert response.status_code == 400
    assert "未来の日付" in response.content.decode()
    assert not CouncilReport.objects.exists()


def test_wt_members_read_and_download_but_cannot_request(client, wt_member, reported, fixed_today):
    report = reports.report_generate(
        reports.report_request(user=None, as_of=fixed_today, queue=False).pk
    )
    client.force_login(wt_member)
    page = client.get(reverse("candidates:reports")).content.decode()
    assert "PDFをダウンロード" in page and "作成を依頼" not in page
    assert client.get(reverse("candidates:report_download", args=[report.pk])).status_code == 200
    assert client.post(reverse("candidates:reports"), {"as_of": "2026-11-24"}).status_code == 403


def test_a_pending_report_row_polls_and_a_done_one_does_not(client, wt_member, fixed_today):
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    client.force_login(wt_member)
    row = client.get(reverse("candidates:report_status", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in row
    assert client.get(reverse("candidates:report_download", args=[report.pk])).status_code == 404


def test_the_command_generates_a_report_synchronously(reported, capsys):
    from django.core.management import call_command

    call_command("council_report", "--as-of", "2026-11-24")
    assert "pages" in capsys.readouterr().out
    assert CouncilReport.objects.get().status == ReportStatus.DONE


def test_the_reports_page_and_a_queued_message_read_in_english(client, secretariat, monkeypatch):
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    monkeypatch.setattr(reports, "enqueue", lambda report_id: False)  # broker away
    page = client.post(reverse("candidates:reports"), {"as_of": "2026-11-24"}, follow=True)
    body = page.content.decode()
    assert "Council progress reports (PDF)" in body
    assert "Your report request has been queued." in body
    assert "Queued" in body and "協議会" not in body
    assert '<th scope="col">As of</th><th scope="col">Scope</th>' in body
    assert "Baseline" not in body and ">Record<" not in body
    assert "As of" in client.get(reverse("candidates:reports")).content.decode()


def test_the_secretariat_deletes_a_report_and_its_file_after_a_confirmation(
    client, secretariat, reported, fixed_today, django_capture_on_commit_callbacks
):
    report = reports.report_generate(
        reports.report_request(user=secretariat, as_of=fixed_today, queue=False).pk
    )
    assert reports.report_exists(report)
    client.force_login(secretariat)
    listing = client.get(reverse("candidates:reports")).content.decode()
    url = reverse("candidates:report_delete", args=[report.pk])
    assert url in listing
    confirm = client.get(url).content.decode()
    assert report.file_name in confirm and CouncilReport.objects.filter(pk=report.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "報告書を削除しました" in response.content.decode()
    assert not CouncilReport.objects.filter(pk=report.pk).exists()
    assert not reports.report_exists(report)


def test_a_report_being_made_is_not_deleted(client, secretariat, fixed_today):
    report = reports.report_request(user=secretariat, as_of=fixed_today, queue=False)
    assert reports.report_claim(report.pk) is not None  # a worker is making it
    client.force_login(secretariat)
    response = client.post(reverse("candidates:report_delete", args=[report.pk]))
    assert response.status_code == 400
    assert "作成中のため削除できません" in response.content.decode()
    assert CouncilReport.objects.filter(pk=report.pk).exists()


def test_readers_are_not_offered_report_deletion(client, wt_member, reported, fixed_today):
    report = reports.report_request(user=None, as_of=fixed_today, queue=False)
    client.force_login(wt_member)
    url = reverse("candidates:report_delete", args=[report.pk])
    assert url not in client.get(reverse("candidates:reports")).content.decode()
    assert client.post(url).status_code == 403
    assert CouncilReport.objects.filter(pk=report.pk).exists()


@pytest.fixture
def council_scene(reported, make_candidate, secretariat, fixed_today):
    """The report of 2026-11-24 after one finished on 2026-10-31: a candidate registered before
    it and one after; a milestone a year overdue; a hearing question linked to the candidate
    with its answer, a long remark, and one remark linked twice."""
    import time_machine

    from candidates.models import Milestone, MilestoneKind
    from hearings.models import EntryKind, Meeting, MeetingKind, MinutesEntry

    with time_machine.travel(dt.datetime(2026, 10, 1, 3, 0, tzinfo=dt.UTC), tick=False):
        make_candidate(name="介護認定", stage=Stage.FEASIBILITY)
    reported.created_at = dt.datetime(2026, 11, 10, 3, 0, tzinfo=dt.UTC)
    reported.save(update_fields=["created_at"])
    CouncilReport.objects.create(as_of=dt.date(2026, 10, 31), status=ReportStatus.DONE)
    Milestone.objects.create(
        candidate=reported,
        kind=MilestoneKind.PILOT,
        baseline_date=dt.date(2025, 9, 1),
        planned_date=dt.date(2025, 12, 1),
        position=5,
    )
    hearing = Meeting.objects.create(
        kind=MeetingKind.HEARING, title="全国市長会ヒアリング", date=dt.date(2026, 10, 20)
    )
    wt = Meeting.objects.create(
        kind=MeetingKind.WT, title="第10回ワーキングチーム", date=dt.date(2026, 11, 4)
    )
    entries = [
        (hearing, 1, EntryKind.QUESTION, 1, "占用許可の審査期間はどの程度短縮できるか。", True),
        (hearing, 2, EntryKind.ANSWER, 1, "標準的な案件で二週間程度の短縮を見込む。", False),
        (hearing, 3, EntryKind.REMARK, None, "同じ意見を二度書かない。", True),
        (
            wt,
            1,
            EntryKind.REMARK,
            None,
            "第一文として、道路占用の手続は団体ごとの差が大きく、共通化の効果が見込まれる。"
            + "第二文として、"
            + "審査基準の違いを整理する必要があり、" * 5
            + "時間を要する。"
            + "第三文は切られる部分であり、報告書には載らない内容を含む長い文である。",
            True,
        ),
    ]
    for meeting, position, kind, number, text, linked in entries:
        entry = MinutesEntry.objects.create(
            meeting=meeting, position=position, kind=kind, question_number=number, text=text
        )
        if linked:
            entry.candidates.add(reported)
    duplicate = MinutesEntry.objects.create(
        meeting=hearing, position=4, kind=EntryKind.REMARK, text="同じ意見を二度書かない。"
    )
    duplicate.candidates.add(reported)
    return reported


def test_the_report_opens_with_a_summary_page(council_scene, fixed_today):
    from tests.pdf import words

    report = reports.report_generate(
        reports.report_request(user=None, as_of=fixed_today, queue=False).pk
    )
    content = reports.report_content(report)
    found = words(content)
    page2 = "".join(w.text for w in found if w.page == 2)
    assert "要点" in page2 and "令和8年11月24日時点" in page2
    assert "前回の報告（令和8年10月31日時点）以降の新規" in page2
    assert "道路占用許可システム（国土交通省）" in page2 and "介護認定（" not in page2
    assert "当初予定より遅れているマイルストーン2件" in page2
    assert "期限超過のマイルストーン（予定日を過ぎて未完了）2件" in page2
    assert "標準仕様書の改定に合わせるため" in page2  # the worst slips with their reasons
    assert "目次" not in page2  # the summary is a page of its own
    assert "今日" not in "".join(w.text for w in found)


def test_the_report_marks_overdue_and_shows_remarks_whole_once_and_with_their_answers(
    council_scene, fixed_today
):
    import re

    html = report_html(reports.report_request(user=None, as_of=fixed_today, queue=False))
    assert '<span class="overdue">期限超過 358日</span>' in html
    assert "令和8年11月24日時点" in html and ">今日<" not in html
    html = re.sub(r"<[^>]+>", "", html)
    assert "【質問】占用許可の審査期間はどの程度短縮できるか。" in html
    assert "【回答】標準的な案件で二週間程度の短縮を見込む。" in html
    assert html.count("同じ意見を二度書かない。") == 1
    assert "時間を要する。（以下略）" in html and "第三文" not in html
    assert "…" not in html


def test_a_remark_is_cut_only_at_a_sentence_end():
    from candidates.report_pdf import first_sentences

    assert first_sentences("短い。", limit=10) == "短い。"
    assert first_sentences("一文目。二文目はとても長い文である。", limit=10) == "一文目。（以下略）"
    unbroken = "句点のない長い発言" * 5
    assert first_sentences(unbroken, limit=10) == unbroken


def test_the_summary_edition_lists_every_candidate_on_one_row_without_their_pages(
    council_scene, fixed_today
):
    """概要版: the summary page, one table row per candidate with its overdue items, the slips;
    no timelines, remarks or page per candidate. The detailed edition keeps them."""
    from candidates.models import ReportEdition

    made = {}
    for edition in ReportEdition.values:
        report = reports.report_request(user=None, as_of=fixed_today, edition=edition, queue=False)
        made[edition] = reports.report_generate(report.pk)
    summary = pdf_text(reports.report_content(made["summary"]))
    detailed = pdf_text(reports.report_content(made["detailed"]))
    assert "（概要版）" in summary and "（詳細版）" in detailed
    assert "2. 候補の一覧と遅れ" in summary and "3. 候補ごとの状況" not in summary
    assert "3. 期限を過ぎた要請・宿題" in summary and "2. スケジュールの遅れと理由" not in summary
    assert "介護認定" in summary and "道路占用許可システム" in summary
    assert (
        "期限超過" in summary and "標準仕様書の改定に合わせるため" in summary
    )  # worst slip, reason
    # A row per candidate: its worst slip, saying how many more it has.
    assert "ほかに遅れ1件" in summary.replace("\n", "") and "ほかに遅れ" not in detailed
    assert "会議での主な発言" not in summary and "会議での主な発言" in detailed
    assert made["summary"].page_count < made["detailed"].page_count
    assert "-summary-" in made["summary"].file_name


def test_the_request_form_chooses_the_edition_and_the_monthly_task_makes_both(
    client, secretariat, fixed_today
):
    from candidates.models import ReportEdition
    from candidates.tasks import monthly_council_report

    client.force_login(secretariat)
    page = client.get(reverse("candidates:reports")).content.decode()
    assert 'name="edition"' in page and "概要版" in page
    response = client.post(
        reverse("candidates:reports"), {"as_of": fixed_today.isoformat(), "edition": "summary"}
    )
    assert response.status_code == 302
    assert CouncilReport.objects.get().edition == ReportEdition.SUMMARY
    bad = client.post(
        reverse("candidates:reports"), {"as_of": fixed_today.isoformat(), "edition": "poster"}
    )
    assert bad.status_code == 400 and CouncilReport.objects.count() == 1
    ids = monthly_council_report()
    editions = list(CouncilReport.objects.filter(pk__in=ids).values_list("edition", flat=True))
    assert sorted(editions) == ["detailed", "summary"]
    listing = client.get(reverse("candidates:reports")).content.decode()
    assert listing.count("概要版") >= 3  # the form's choice and two rows


def test_the_sweep_removes_what_a_worker_killed_while_writing_left(settings):
    """A worker killed mid-write leaves its temporary file (.partial-…); the sweep removes it
    once older than the stale limit, and leaves a write that may still be going on."""
    import os
    import time

    settings.KYOTSUKA_REPORT_STALE_SECONDS = 600
    left = [
        reports.reports_dir(folder) / f"{reports.PARTIAL_PREFIX}{folder.replace('/', '-')}"
        for folder in (reports.REPORTS_FOLDER, reports.PARTS_FOLDER)
    ]
    writing = reports.reports_dir(reports.PARTS_FOLDER) / f"{reports.PARTIAL_PREFIX}now"
    for path in [*left, writing]:
        path.write_bytes(b"%PDF-")
    an_hour_ago = time.time() - 3600
    for path in left:
        os.utime(path, (an_hour_ago, an_hour_ago))

    assert reports.reports_sweep() == []
    assert not any(path.exists() for path in left)
    assert writing.exists()
