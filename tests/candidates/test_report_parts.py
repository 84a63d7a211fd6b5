"""A large 詳細版 rendered in parts and joined: the joined PDF reads as one document (page numbers,
contents, outline, links), and the parts keep the claim/finish protocol (each done once, the
join made once, the sweep finishing what a lost worker left)."""

import datetime as dt
import io
import re

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from bench import datagen
from candidates import report_parts, reports
from candidates.models import CouncilReport, CouncilReportPart, ReportEdition, ReportStatus
from candidates.report_parts import JoinedPdf, RenderedPart
from tests.candidates.test_reports import media_in_tmp, tasks_in_process  # noqa: F401 - autouse
from tests.pdf import page_footers, page_texts, words

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 24)


@pytest.fixture
def small_parts(settings):
    settings.KYOTSUKA_REPORT_PART_CANDIDATES = 2
    settings.KYOTSUKA_REPORT_PART_SLIPS = 3


@pytest.fixture
def five(fixed_today):
    return datagen.candidates(5, milestones_each=4, today=AS_OF)


def test_a_parted_report_joins_into_one_document(small_parts, five):
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(report.pk)  # in process: plan, every part, the join

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    parts = list(report.parts.order_by("index"))
    kinds = [part.spec["kind"] for part in parts]
    assert kinds[0] == "front" and kinds.count("candidates") == 3 and kinds.count("slips") > 1
    assert all(part.status == ReportStatus.DONE and part.attempts == 1 for part in parts)
    content = reports.report_content(report)
    assert report.page_count == sum(part.page_count for part in parts) == len(page_texts(content))
    assert report.file_size == len(content)
    # The parts' files are gone once joined.
    assert all(p.file_name.endswith(".pdf") for p in parts)
    assert not any(default_storage.exists(reports.part_storage_name(p)) for p in parts)

    pages = page_texts(content)
    total = len(pages)
    assert page_footers(content) == [[]] + [[str(n)] for n in range(2, total + 1)]
    assert all("共通化対象候補の進捗状況" in page for page in pages[1:])  # the running header

    # The contents: each candidate's entry names the page its section starts on.
    contents_page = next(n for n, page in enumerate(pages) if "目次" in page)
    entries = dict(
        re.findall(
            r"^\s*(\S+システム\d+（合成データ）)[ .…]*?(\d+)\s*$", pages[contents_page], re.M
        )
    )
    names = {c.name for c in five}
    assert set(entries) == names
    for name, page in entries.items():
        assert name in pages[int(page) - 1]
    # Each chapter's heading once (the contents list them too), whatever parts it spans.
    text = "\n".join(pages[contents_page + 1 :])
    for title in ("2. スケジュールの遅れと理由", "3. 候補ごとの状況", "期限を過ぎた要請・宿題"):
        assert text.count(title) == 1, title
    heading = re.search(r"2\. スケジュールの遅れと理由[ .]*(\d+)", pages[contents_page])
    assert "2. スケジュールの遅れと理由" in pages[int(heading.group(1)) - 1]

    reader = PdfReader(io.BytesIO(content))
    # One subset of each of the report's fonts for the whole document, not one a part.
    font_files: dict[str, set[int]] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"]).split("+")[-1]
            font_files.setdefault(name, set()).add(descriptor.raw_get("/FontFile2").idnum)
    assert {name: len(files) for name, files in font_files.items()} == {
        "Report-JP": 1,
        "Report-JP-Bold": 1,
    }
    # The outline of the whole: the title, its chapters, each candidate under chapter 3.
    outline = reader.outline
    assert len(outline) == 2 and str(outline[0].title) == "共通化対象候補の進捗状況"
    items = outline[1]
    titles = [str(item.title) for item in items if not isinstance(item, list)]
    assert titles[:2] == ["要点（令和8年11月24日時点）", "目次"]
    assert "2. スケジュールの遅れと理由" in titles and "3. 候補ごとの状況" in titles
    chapter_3 = titles.index("3. 候補ごとの状況")
    under_3 = [i for i in items if isinstance(i, list)][-1]
    assert [str(i.title) for i in under_3] == sorted(entries, key=lambda n: int(entries[n]))
    for item in under_3:
        assert reader.get_destination_page_number(item) == int(entries[str(item.title)]) - 1
    chapter = [i for i in items if not isinstance(i, list)][chapter_3]
    assert "3. 候補ごとの状況" in pages[reader.get_destination_page_number(chapter)]

    # Links from the contents to each candidate's page (the ones to the front's own sections
    # WeasyPrint made, by name).
    targets = []
    for annotation in reader.pages[contents_page].get("/Annots", []):
        annotation = annotation.get_object()
        if not isinstance(annotation["/Dest"], str):
            x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
            assert 0 < x1 < x2 and 0 < y1 < y2 < float(reader.pages[contents_page].mediabox.top)
            targets.append(reader.get_page_number(annotation["/Dest"][0].get_object()) + 1)
    expected = [int(heading.group(1)), _page_of(pages, "3. 候補ごとの状況")]
    assert sorted(set(targets)) == sorted(set(expected + [int(p) for p in entries.values()]))


def test_a_large_summary_edition_is_parted_by_rows_and_joined(small_parts, five):
    """A 概要版 of more candidates than a part's rows (3 here): its list in chunks of even
    sizes, numbered on through the parts; the overdue requests once, after the last row."""
    report = reports.report_request(
        user=None, as_of=AS_OF, edition=ReportEdition.SUMMARY, queue=False
    )
    specs = report_parts.plan_parts(report)
    assert [(s["kind"], len(s.get("ids", [])), s.get("offset")) for s in specs] == [
        ("front", 0, None),
        ("list", 3, 0),
        ("list", 2, 3),
    ]
    reports.enqueue(report.pk)  # in process: plan, every part, the join

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    content = reports.report_content(report)
    pages = page_texts(content)
    assert report.page_count == len(pages)
    assert page_footers(content) == [[]] + [[str(n)] for n in range(2, len(pages) + 1)]
    contents_page = next(n for n, page in enumerate(pages) if "目次" in page)
    numbers = dict(re.findall(r"^\s*(\d\. \S+)[ .…]*?(\d+)\s*$", pages[contents_page], re.M))
    list_page = int(numbers["2. 候補の一覧と遅れ"])
    requests_page = int(numbers["3. 期限を過ぎた要請・宿題"])
    assert "2. 候補の一覧と遅れ" in pages[list_page - 1]
    assert "3. 期限を過ぎた要請・宿題" in pages[requests_page - 1]
    text = "\n".join(pages[contents_page + 1 :])
    for title in ("2. 候補の一覧と遅れ", "3. 期限を過ぎた要請・宿題"):
        assert text.count(title) == 1, title
    # Every candidate once, in the order of the contents, numbered 1 to 5 through the parts.
    listed = re.findall(r"^\s*(\d)\s+(\S+システム\d+)", text, re.M)  # the name may wrap
    assert [int(n) for n, _name in listed] == [1, 2, 3, 4, 5]
    assert sorted(name for _n, name in listed) == sorted(c.name.split("（")[0] for c in five)
    assert list_page < requests_page


def test_the_contents_pages_are_stamped_where_a_single_render_writes_them(
    small_parts, five, settings
):
    """The join stamps the page of each contents entry into another part at the entry's right
    end: the same place, size and font as the numbers a single render lays out."""
    parted = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(parted.pk)
    settings.KYOTSUKA_REPORT_PART_CANDIDATES = 0  # rendered whole
    whole = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(whole.pk)

    def contents_numbers(report):
        report.refresh_from_db()
        assert report.status == ReportStatus.DONE, report.error
        found = words(reports.report_content(report))
        page = next(w.page for w in found if w.text == "目次")
        return [
            (round(w.x_max, 1), round(w.y_min, 1), round(w.y_max, 1))
            for w in found
            if w.page == page and w.text.isdigit() and w.x_min > w.page_width * 0.8
        ]

    assert parted.parts.count() > 1 and not whole.parts.exists()
    stamped, laid_out = contents_numbers(parted), contents_numbers(whole)
    assert len(stamped) == 4 + len(five)  # 要点, chapters 1 to 3, each candidate
    assert stamped == laid_out


def _page_of(pages: list[str], text: str) -> int:
    return next(n for n, page in enumerate(pages[3:], start=4) if text in page)


def test_small_reports_and_the_summary_edition_are_rendered_whole(small_parts, fixed_today):
    datagen.candidates(2, milestones_each=2, today=AS_OF)
    detailed = reports.report_request(user=None, as_of=AS_OF, queue=False)
    summary = reports.report_request(
        user=None, as_of=AS_OF, edition=ReportEdition.SUMMARY, queue=False
    )
    assert report_parts.plan_parts(detailed) == [] and report_parts.plan_parts(summary) == []
    datagen.candidates(1, milestones_each=2, today=AS_OF, seed=8)
    assert report_parts.plan_parts(summary) == []
    assert [s["kind"] for s in report_parts.plan_parts(detailed)][-2:] == ["candidates"] * 2


@pytest.fixture
def fake_rendering(monkeypatch):
    """Parts and joins without WeasyPrint: the protocol, not the pages."""
    calls = {"parts": [], "joins": 0}

    def render_part(report, spec):
        calls["parts"].append(spec["kind"])
        return fake_rendering_part(report, spec)

    def join_parts(layouts, contents):
        calls["joins"] += 1
        assert all(content == b"%PDF-part" for content in contents)
        return fake_join(layouts, contents)

    monkeypatch.setattr(report_parts, "render_part", render_part)
    monkeypatch.setattr(report_parts, "join_parts", join_parts)
    return calls


def test_each_part_is_made_once_and_the_join_once(small_parts, five, fake_rendering):
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and fake_rendering["joins"] == 1
    parts = list(report.parts.all())
    assert len(fake_rendering["parts"]) == len(parts)
    finished = report.finished_at

    # Every delivery again (a redelivered message, the sweep): nothing changes.
    assert reports.report_generate(report.pk) is None
    for part in parts:
        assert reports.part_generate(part.pk) is None
    assert reports.join_claim(report.pk) is None
    assert reports.report_join(report.pk) is None
    report.refresh_from_db()
    assert (report.finished_at, fake_rendering["joins"]) == (finished, 1)
    assert len(fake_rendering["parts"]) == len(parts)
    assert reports.report_content(report) == b"%PDF-joined"


def test_a_lost_part_is_taken_over_after_the_stale_limit_and_the_sweep_finishes(
    small_parts, five, fake_rendering, monkeypatch
):
    from candidates import tasks

    sent: list = []
    monkeypatch.setattr(reports, "enqueue_parts", lambda ids: sent.append(ids) or False)
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.report_generate(report.pk)  # planned; the parts' messages are lost
    parts = list(CouncilReportPart.objects.filter(report=report).order_by("index"))
    assert sent == [[p.pk for p in parts]]
    # A worker takes the first part and is killed mid-render.
    assert reports.part_claim(parts[0].pk) is not None
    assert reports.part_claim(parts[0].pk) is None  # still its worker's
    monkeypatch.undo()
    monkeypatch.setattr(report_parts, "render_part", fake_rendering_part)
    monkeypatch.setattr(report_parts, "join_parts", fake_join)
    assert reports.reports_sweep() == []  # nothing is stale yet
    old = dt.timedelta(seconds=1) + max(reports.running_stale_after(), reports.queued_stale_after())
    CouncilReportPart.objects.filter(report=report).update(
        created_at=parts[0].created_at - old, started_at=parts[0].created_at - old
    )
    assert reports.reports_sweep() == [report.pk]  # all parts again, then the join
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    assert CouncilReportPart.objects.get(pk=parts[0].pk).attempts == 2
    assert set(report.parts.values_list("attempts", flat=True)) == {1, 2}
    assert tasks.generate_council_report_part.name.endswith("generate_council_report_part")


def fake_rendering_part(report, spec):
    layout = {"anchors": {}, "bookmarks": [], "links": [], "contents": [], "sizes": [[1, 1]]}
    return RenderedPart(content=b"%PDF-part", page_count=1, layout=layout)


def fake_join(layouts, contents):
    return JoinedPdf(content=b"%PDF-joined", page_count=len(layouts))


def test_a_join_whose_message_was_lost_is_made_by_the_sweep(
    small_parts, five, fake_rendering, monkeypatch
):
    monkeypatch.setattr(reports, "enqueue_join", lambda report_id: False)
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and reports.parts_done(report.pk)
    monkeypatch.undo()
    monkeypatch.setattr(report_parts, "render_part", fake_rendering_part)
    monkeypatch.setattr(report_parts, "join_parts", fake_join)
    assert reports.reports_sweep() == [report.pk]
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


def test_a_join_taken_over_mid_join_leaves_the_report_and_the_parts_to_the_new_join(
    small_parts, five, fake_rendering, monkeypatch
):
    monkeypatch.setattr(reports, "enqueue_join", lambda report_id: False)
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(report.pk)  # planned and every part made; the join's message is lost

    def join_while_another_worker_takes_over(layouts, contents):
        claimed = CouncilReport.objects.get(pk=report.pk).join_started_at
        CouncilReport.objects.filter(pk=report.pk).update(
            join_started_at=claimed + dt.timedelta(seconds=1)
        )
        return fake_join(layouts, contents)

    monkeypatch.setattr(report_parts, "join_parts", join_while_another_worker_takes_over)
    late = reports.report_join(report.pk)
    assert (late.status, late.file_name, late.finished_at) == (ReportStatus.RUNNING, "", None)
    parts = [p for p in report.parts.all() if p.file_name]
    assert parts and all(default_storage.exists(reports.part_storage_name(p)) for p in parts)


def test_a_front_part_made_before_the_contents_were_stamped_is_made_again_at_the_join(
    small_parts, five, fake_rendering, monkeypatch
):
    """A report in flight across the update: its front part was stored as HTML, with no
    contents entries in its layout. The join renders that part again rather than fail."""
    monkeypatch.setattr(reports, "enqueue_join", lambda report_id: False)
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(report.pk)  # every part made; the join's message is lost
    front = report.parts.get(index=0)
    del front.layout["contents"]
    front.save(update_fields=["layout"])
    made = len(fake_rendering["parts"])

    report = reports.report_join(report.pk)
    assert report.status == ReportStatus.DONE, report.error
    assert fake_rendering["parts"][made:] == ["front"] and fake_rendering["joins"] == 1


def test_a_part_failing_for_good_fails_the_report(small_parts, five, monkeypatch):
    def broken(report, spec):
        if spec["kind"] == "candidates":
            raise ValueError("layout failed")
        return fake_rendering_part(report, spec)

    monkeypatch.setattr(report_parts, "render_part", broken)
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.enqueue(report.pk)  # in process, the task's error is logged by enqueue()
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "layout failed" in report.error
    assert CouncilReport.objects.get(pk=report.pk).file_name == ""


def test_the_part_and_join_tasks_take_the_report_time_limits(settings):
    from candidates.tasks import generate_council_report_part, join_council_report

    for task in (generate_council_report_part, join_council_report):
        task = task._get_current_object()
        assert task.time_limit == settings.KYOTSUKA_REPORT_TIME_LIMIT


def test_the_plan_holds_every_slip_row_and_candidate_once_in_the_reports_order(small_parts, five):
    from candidates.report_pdf import scoped_candidates
    from candidates.selectors import slip_rows

    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    specs = report_parts.plan_parts(report)
    slips = [s for s in specs if s["kind"] == "slips"]
    rows = slip_rows(candidates=scoped_candidates(report), today=AS_OF)
    assert len(rows) > 3 and len(slips) == -(-len(rows) // 3)
    assert [m for s in slips for m in s["milestones"]] == [r.milestone.pk for r in rows]
    chunks = [s for s in specs if s["kind"] == "candidates"]
    assert [i for s in chunks for i in s["ids"]] == [c.pk for c in scoped_candidates(report)]
    for kind in (slips, chunks):
        assert [(s["first"], s["last"]) for s in kind] == [
            (n == 0, n == len(kind) - 1) for n in range(len(kind))
        ]
    # Even chunks: no short last part.
    slip_sizes = [len(s["milestones"]) for s in slips]
    assert max(slip_sizes) - min(slip_sizes) <= 1
    assert sorted(len(s["ids"]) for s in chunks) == [1, 2, 2]  # five candidates, two a part


def test_one_more_candidate_than_a_part_holds_makes_two_even_parts(settings, fixed_today):
    """Not a part of 25 and a part of 1: parts of even sizes, none much longer than another."""
    assert settings.KYOTSUKA_REPORT_PART_CANDIDATES == 25
    datagen.candidates(25, milestones_each=1, today=AS_OF)
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    assert report_parts.plan_parts(report) == []
    datagen.candidates(1, milestones_each=1, today=AS_OF, seed=8)
    chunks = [s["ids"] for s in report_parts.plan_parts(report) if s["kind"] == "candidates"]
    assert [len(ids) for ids in chunks] == [13, 13]


def test_the_reports_row_shows_how_many_parts_are_done(
    client, secretariat, small_parts, five, monkeypatch
):
    from django.urls import reverse

    monkeypatch.setattr(reports, "enqueue_parts", lambda ids: False)  # nobody renders them
    report = reports.report_request(user=None, as_of=AS_OF, queue=False)
    reports.report_generate(report.pk)
    parts = list(report.parts.order_by("index"))
    CouncilReportPart.objects.filter(pk__in=[p.pk for p in parts[:2]]).update(
        status=ReportStatus.DONE
    )
    client.force_login(secretariat)
    row = client.get(reverse("candidates:report_status", args=[report.pk])).content.decode()
    assert f"（{len(parts)}部分のうち2部分が完了）" in row and "hx-trigger" in row


def test_a_worker_imports_the_renderer_before_its_pool_starts_and_the_web_app_does_not():
    """Imported on a pool process's first report, WeasyPrint was 0.6 s of that report's time."""
    import subprocess
    import sys

    script = (
        "import sys, django; django.setup()\n"
        "import config.urls, config.celery\n"  # what the web server loads
        "before = 'weasyprint' in sys.modules\n"
        "from celery import signals; signals.worker_init.send(sender=None)\n"
        "print(before, 'weasyprint' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "True"]
