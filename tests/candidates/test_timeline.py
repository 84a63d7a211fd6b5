import datetime as dt
import xml.etree.ElementTree as ET

from django.template.loader import render_to_string
from django.utils import translation

from candidates.models import Milestone, MilestoneKind
from candidates.timeline import timeline_layout

TODAY = dt.date(2026, 11, 24)
MILESTONE_KINDS = [k for k in MilestoneKind if k != MilestoneKind.OTHER]


def milestone(kind="requirements", **dates) -> Milestone:
    return Milestone(kind=kind, **dates)


def test_no_dates_means_no_timeline():
    assert timeline_layout(milestones=[milestone()], today=TODAY) is None


def test_a_slipped_milestone_gets_a_bar_from_baseline_to_plan_and_its_days():
    slipped = milestone(baseline_date=dt.date(2026, 6, 30), planned_date=dt.date(2026, 9, 30))
    on_time = milestone(
        kind="pilot", baseline_date=dt.date(2027, 1, 1), planned_date=dt.date(2027, 1, 1)
    )
    with translation.override("ja"):
        layout = timeline_layout(milestones=[slipped, on_time], today=TODAY)
    first, second = layout.rows
    assert first.slip_from_x < first.slip_to_x == first.planned_x
    assert first.slip_text == "+92日"
    assert "92日の遅れ" in first.summary
    assert second.slip_from_x is None and second.slip_text == ""


def test_positions_follow_dates_and_today_is_inside_the_axis():
    rows = [
        milestone(planned_date=dt.date(2025, 5, 1)),
        milestone(planned_date=dt.date(2026, 1, 1)),
        milestone(actual_date=dt.date(2026, 8, 1)),
    ]
    layout = timeline_layout(milestones=rows, today=TODAY)
    xs = [rows_.planned_x or rows_.actual_x for rows_ in layout.rows]
    assert xs == sorted(xs)
    assert layout.label_width < layout.today_x < layout.plot_right


def test_fiscal_year_ticks_start_on_april_first_in_the_active_language():
    rows = [
        milestone(planned_date=dt.date(2025, 5, 1)),
        milestone(planned_date=dt.date(2027, 5, 1)),
    ]
    with translation.override("ja"):
        labels = [t.label for t in timeline_layout(milestones=rows, today=TODAY).ticks]
    assert labels == ["令和7年度", "令和8年度", "令和9年度"]
    with translation.override("en"):
        labels = [t.label for t in timeline_layout(milestones=rows, today=TODAY).ticks]
    assert labels == ["FY2025", "FY2026", "FY2027"]


def test_the_svg_is_valid_xml_and_escapes_user_text():
    rows = [
        milestone(kind="other", name="<script>alert(1)</script>", planned_date=dt.date(2026, 5, 1))
    ]
    html = render_to_string(
        "components/timeline.svg.html", {"timeline": timeline_layout(milestones=rows, today=TODAY)}
    )
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    ET.fromstring(svg)  # noqa: S314 - our own rendered SVG, checked for well-formedness
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_english_labels_fit_the_label_column_without_cutting_a_word():
    from candidates.timeline import LABEL_TEXT_WIDTH, _text_width, label_lines

    rows = [milestone(kind=kind, planned_date=dt.date(2026, 5, 1)) for kind in MILESTONE_KINDS]
    with translation.override("en"):
        layout = timeline_layout(milestones=rows, today=TODAY)
    for row in layout.rows:
        assert " ".join(line.text for line in row.label_lines) == row.label
        assert all(_text_width(line.text) <= LABEL_TEXT_WIDTH for line in row.label_lines)
    long = "Promotion policy decision for the nationwide shared platform and its pilots"
    lines = label_lines(long)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(word in long.split() for word in " ".join(lines).rstrip("…").split())
    japanese = "住民基本台帳ネットワークシステムとの連携に関する要件定義"
    assert "".join(label_lines(japanese)) == japanese  # CJK breaks between any two characters


def test_an_overdue_milestone_gets_a_line_to_today_and_its_days():
    late = milestone(baseline_date=dt.date(2025, 9, 1), planned_date=dt.date(2025, 12, 1))
    done = milestone(kind="pilot", planned_date=dt.date(2025, 12, 1), actual_date=TODAY)
    with translation.override("ja"):
        layout = timeline_layout(
            milestones=[late, done], today=TODAY, today_label="令和8年11月24日時点"
        )
    first, second = layout.rows
    assert first.overdue_to_x == layout.today_x and first.overdue_text == "期限超過 358日"
    assert first.slip_text == "+91日"
    assert second.overdue_to_x is None and second.overdue_text == ""
    assert layout.today_label == "令和8年11月24日時点"


def test_a_long_as_of_label_near_the_right_edge_is_drawn_to_the_left_of_its_line():
    rows = [milestone(planned_date=dt.date(2025, 5, 1))]
    march = timeline_layout(
        milestones=rows, today=dt.date(2026, 3, 30), today_label="令和8年3月30日時点"
    )
    assert march.today_label_anchor == "end" and march.today_label_x < march.today_x
    autumn = timeline_layout(
        milestones=rows, today=dt.date(2025, 10, 1), today_label="令和7年10月1日時点"
    )
    assert autumn.today_label_anchor == "start" and autumn.today_label_x > autumn.today_x


def test_a_milestones_summary_reads_in_english_with_an_english_separator():
    from django.utils import translation

    from candidates.timeline import _summary
    from tests.factories import MilestoneFactory

    milestone = MilestoneFactory.build(
        baseline_date=dt.date(2026, 4, 1), planned_date=dt.date(2026, 4, 1), actual_date=None
    )
    with translation.override("en"):
        text = _summary(milestone, dt.date(2026, 1, 1))
        assert "：" not in text and text.startswith(f"{milestone.label}: original plan")
    with translation.override("ja"):
        assert _summary(milestone, dt.date(2026, 1, 1)).startswith(f"{milestone.label}：当初予定")


def test_each_kind_of_mark_is_one_path_with_one_shape_per_row():
    rows = [
        milestone(baseline_date=dt.date(2026, 6, 30), planned_date=dt.date(2026, 9, 30)),
        milestone(kind="pilot", baseline_date=dt.date(2026, 1, 1), actual_date=dt.date(2026, 2, 1)),
        milestone(kind="launch", planned_date=dt.date(2027, 1, 1)),
    ]
    shapes = timeline_layout(milestones=rows, today=TODAY).shapes
    assert shapes.baselines.count("M") == 2
    assert shapes.planned.count("M") == 2 and shapes.actual.count("M") == 1
    assert shapes.slips.count("M") == 2 and shapes.row_lines.count("M") == 3


def test_the_printed_timeline_leaves_out_the_hover_titles_of_the_page():
    rows = [
        milestone(planned_date=dt.date(2026, 5, 1)),
        milestone(planned_date=dt.date(2026, 7, 1)),
    ]
    layout = timeline_layout(milestones=rows, today=TODAY)
    page = render_to_string(
        "components/timeline.svg.html", {"timeline": layout, "without_legend": True}
    )
    printed = render_to_string(
        "components/timeline.svg.html",
        {"timeline": layout, "for_print": True, "without_legend": True},
    )
    assert page.count("<title>") == 2 and printed.count("<title>") == 0
    # The marks: one path per kind whatever the number of rows.
    assert printed.count("<circle") == 0 and printed.count("<path") == 4  # grid, rows, overdue, ○
