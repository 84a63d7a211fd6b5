"""The report's SVG labels laid out as whole strings (candidates/report_svg_text.py): the same
picture as WeasyPrint's letter-by-letter drawing, with one text object a label."""

import io
import re
import subprocess
import tempfile
from typing import cast

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from candidates import report_svg_text
from candidates.report_pdf import render_pdf
from tests.pdf import words

# Labels as the timelines and the adoption map draw them: at a point, anchored at the start, the
# middle or the end, bold, smaller, in a group's paint, in tspans of a two-line label.
CHART = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<link rel="stylesheet" href="css/report.css"></head><body>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200" width="100%"
     font-family="Noto Sans JP, Noto Sans CJK JP, sans-serif" font-size="12">
  <g fill="#1a1a1a"><text x="194" y="16">令和5年度</text><text x="4" y="53.0">推進方針決定</text>
  <text x="4"><tspan x="4" y="80">設計・開発</tspan><tspan x="4" y="95">（第2期）</tspan></text></g>
  <g fill="#c40000"><text x="400" y="53" font-weight="bold">+123日</text>
  <text x="300" y="120" font-size="11">期限超過 45日</text></g>
  <text x="300" y="150" text-anchor="middle" font-size="13">北海道</text>
  <text x="590" y="180" text-anchor="end" font-size="11">2026/11/24 時点</text>
  {extra}
</svg></body></html>"""
PER_GLYPH = (
    '<text x="10 30 50" y="190">一二三</text>'
    '<text x="100" y="190" letter-spacing="4">四五六</text>'
    '<text x="200" y="190" rotate="30">七八九</text>'
    '<text x="300" y="190" dx="2">十十十</text>'
)


def _own_drawing(html: str) -> bytes:
    """The PDF as WeasyPrint draws its SVG text on its own."""
    report_svg_text.uninstall()
    try:
        return render_pdf(html).content
    finally:
        report_svg_text.install()


def _raster(content: bytes) -> bytes:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        return subprocess.run(
            ["pdftoppm", "-r", "150", "-gray", "-f", "1", "-l", "1", pdf.name],
            capture_output=True,
            check=True,
        ).stdout


def _shown_strings(content: bytes) -> int:
    """How many strings the first page shows (TJ operators), the footer's one among them."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    contents = page.get_contents()
    assert contents is not None
    streams = [contents.get_data()]
    resources = cast(DictionaryObject, page["/Resources"])
    for xobject in (resources.get("/XObject") or {}).values():  # anchored labels
        streams.append(xobject.get_object().get_data())
    return sum(len(re.findall(rb"\bTJ\b", stream)) for stream in streams)


def test_labels_are_drawn_as_whole_strings_and_look_the_same():
    html = CHART.format(extra="")
    ours, weasyprints = render_pdf(html).content, _own_drawing(html)

    assert _raster(ours) == _raster(weasyprints)
    # Shaped as a whole, "2026/11/24 時点" is 0.1 pt narrower: less than a pixel at 150 dpi.
    assert [(w.text, w.y_max) for w in words(ours)] == [
        (w.text, w.y_max) for w in words(weasyprints)
    ]
    for mine, theirs in zip(words(ours), words(weasyprints), strict=True):
        assert abs(mine.x_min - theirs.x_min) < 0.25
    # Eight labels (one of two lines), one string each, and the footer; letter by letter, one a
    # character but a space.
    labels = re.findall(r">([^<>\s][^<>]*)</t", html)
    assert len(labels) == 8
    assert _shown_strings(ours) == 8 + 1
    assert _shown_strings(weasyprints) == sum(len(label.replace(" ", "")) for label in labels) + 1


def test_glyphs_placed_one_by_one_are_left_to_weasyprint():
    html = CHART.format(extra=PER_GLYPH)
    ours, weasyprints = render_pdf(html).content, _own_drawing(html)

    assert _raster(ours) == _raster(weasyprints)
    assert _shown_strings(ours) == 8 + 12 + 1  # the four placed labels still letter by letter
