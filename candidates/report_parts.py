"""A large 詳細版 council report rendered in parts by any workers, then joined into one PDF.

The parts (plan_parts): 0 the front matter (cover, 要点, contents, chapter 1), then the slip
table in chunks of at most KYOTSUKA_REPORT_PART_SLIPS rows (chapter 2, the overdue requests
after the last), then the candidates in chunks of at most KYOTSUKA_REPORT_PART_CANDIDATES
(chapter 3, the consultations after the last); chunks of a kind are of even sizes. A 概要版 of
more candidates than KYOTSUKA_REPORT_PART_SLIPS rows: the front matter, then its list in
chunks of rows (chapter 2, the overdue requests and the consultations after the last). Each
part is laid out on its own (render_part) without page numbers, and records where its anchors
and bookmarks fall (page within the part, CSS px).

The join (join_parts), once every part is done and their page counts are known:
- the front part is laid out again with the contents' page numbers written in (its page count
  does not depend on them; if it did, it is laid out again until it is stable);
- the parts' pages are appended in order;
- the page numbers ("n / total", the single render's footer) are stamped on every page but the
  cover: one small sheet of all the numbers is laid out by WeasyPrint with the report's font,
  made a form XObject shared by all pages, and each page shows its own cell of it (a clip and
  a translation appended to the page's content; nothing of the page itself is re-encoded);
- the outline is rebuilt from every part's bookmarks with their page offsets, and the contents'
  entries get links to their targets in the other parts.
Each part embeds its own subset of the report's fonts (WeasyPrint keeps the glyph ids of the
font file); the join replaces them by one subset of each font with the glyphs of every part
(_share_fonts), and identical objects are merged.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import uharfbuzz
from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
)
from weasyprint import Document

from candidates import selectors
from candidates.models import CouncilReport, ReportEdition
from candidates.report_pdf import render_document, report_html, scoped_candidates, static_roots

PX = 0.75  # one CSS px in PDF points
FOOTER_CENTRE_FROM_BOTTOM = 18 / 2 / 25.4 * 72  # the middle of the 18 mm bottom margin (report.css)
SHEET_COLUMNS = 1
CELL_WIDTH = 120  # CSS px: "9999 / 9999" at 8 pt fits with room to spare
CELL_HEIGHT = 16
XOBJECT = "/KyPageNumbers"
# The report's fonts (report.css's @font-face) by the name WeasyPrint gives them in a PDF (after
# the subset's tag): the join subsets each once for the whole document.
REPORT_FONTS = {
    "Report-JP": "fonts/NotoSansJP_400Regular.ttf",
    "Report-JP-Bold": "fonts/NotoSansJP_700Bold.ttf",
}


def _balanced(items: list, parts: int) -> list[list]:
    """`items` in `parts` consecutive chunks whose sizes differ by one at most: no short last
    chunk, so that no part is much longer than the others."""
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def _chunk_specs(kind: str, key: str, items: list[int], per_part: int) -> list[dict]:
    """Parts of `kind` holding `items` (under `key`) in even chunks of at most `per_part`, at
    least one: each knows whether it is the first or the last, and how many items come before
    it (the 概要版 numbers its rows on from there)."""
    chunks = _balanced(items, max(1, math.ceil(len(items) / per_part)))
    return [
        {"kind": kind, key: chunk, "offset": offset, "first": n == 0, "last": n == len(chunks) - 1}
        for n, (chunk, offset) in enumerate(
            zip(chunks, _offsets([len(c) for c in chunks]), strict=True)
        )
    ]


def plan_parts(report: CouncilReport) -> list[dict]:
    """The parts of this report, or [] when it is rendered whole (a report of one chunk: a
    詳細版 of at most KYOTSUKA_REPORT_PART_CANDIDATES candidates, a 概要版 of at most
    KYOTSUKA_REPORT_PART_SLIPS). Candidates and slipped milestones are listed by id: a part
    shows what was in scope when the report was planned, whichever worker renders it and when,
    and a slips part reads only its own rows."""
    size = settings.KYOTSUKA_REPORT_PART_CANDIDATES
    if size <= 0:
        return []
    ids = list(scoped_candidates(report).values_list("pk", flat=True))
    per_part = max(1, settings.KYOTSUKA_REPORT_PART_SLIPS)
    if report.edition == ReportEdition.SUMMARY:
        # The front matter, then the list of one row a candidate; the overdue requests after it.
        if len(ids) <= per_part:
            return []
        return [{"kind": "front"}, *_chunk_specs("list", "ids", ids, per_part)]
    if len(ids) <= size:
        return []
    slips = [  # worst first, as planned
        row.milestone.pk
        for row in selectors.slip_rows(candidates=scoped_candidates(report), today=report.as_of)
    ]
    return [
        {"kind": "front"},
        *_chunk_specs("slips", "milestones", slips, per_part),
        *_chunk_specs("candidates", "ids", ids, size),
    ]


@dataclass
class RenderedPart:
    content: bytes
    page_count: int
    layout: dict


class _NoMissingAnchorWarnings(logging.Filter):
    """The front part's contents point at anchors in other parts: the join links them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No anchor #")


def _layout(document: Document) -> dict:
    anchors: dict[str, list[float]] = {}
    bookmarks = []
    links = []
    for index, page in enumerate(document.pages):
        for name, (x, y, *_rest) in page.anchors.items():
            anchors.setdefault(name, [index, x, y])
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append([level, label, index, x, y])
        for kind, target, (x1, y1, x2, y2), _box in page.links:
            if kind == "internal":
                links.append([index, target, x1, y1, x2, y2])
    return {
        "anchors": anchors,
        "bookmarks": bookmarks,
        "links": links,
        "sizes": [[page.width, page.height] for page in document.pages],
    }


@contextlib.contextmanager
def _quiet_missing_anchors():
    weasy_logger = logging.getLogger("weasyprint")
    quiet = _NoMissingAnchorWarnings()
    weasy_logger.addFilter(quiet)
    try:
        yield
    finally:
        weasy_logger.removeFilter(quiet)


def _render(html: str):
    with _quiet_missing_anchors():
        document, _fetcher = render_document(html)
    return document, _layout(document)


CONTENTS_ENTRY = re.compile(r'(<a href="#)([^"]+)(" data-page=")[^"]*(")')


def number_contents(front_html: str, toc_pages: dict[str, int]) -> str:
    """The front part's HTML with the contents' page numbers written in, as report_html writes
    them with toc_pages: the join reuses the HTML the front part made instead of reading every
    candidate again."""
    return CONTENTS_ENTRY.sub(
        lambda m: f"{m[1]}{m[2]}{m[3]}{toc_pages.get(m[2], '000')}{m[4]}", front_html
    )


def _write(document: Document) -> bytes:
    with _quiet_missing_anchors():
        return document.write_pdf()


def render_part(report: CouncilReport, spec: dict) -> RenderedPart:
    """Lay one part out and write its PDF; of the front part, its HTML: the join lays it out
    again with the contents' page numbers."""
    html = report_html(report, spec)
    document, layout = _render(html)
    content = html.encode() if spec["kind"] == "front" else _write(document)
    return RenderedPart(content=content, page_count=len(document.pages), layout=layout)


@dataclass
class JoinedPdf:
    content: bytes
    page_count: int
    front_renders: int


def _offsets(counts: Sequence[int]) -> list[int]:
    offsets, total = [], 0
    for count in counts:
        offsets.append(total)
        total += count
    return offsets


def _global_pages(layouts: Sequence[dict], counts: Sequence[int]) -> dict[str, int]:
    """Each anchor's page number (1-based) in the joined document, the first occurrence, of the
    parts after the front (counts: every part's page count, the front's first)."""
    pages: dict[str, int] = {}
    for layout, offset in zip(layouts, _offsets(counts)[1:], strict=True):
        for name, (index, _x, _y) in layout["anchors"].items():
            pages.setdefault(name, offset + index + 1)
    return pages


def join_parts(
    report: CouncilReport,
    front_page_count: int,
    layouts: Sequence[dict],
    contents: Sequence[bytes],
    front_html: str | None = None,
) -> JoinedPdf:
    """Join the parts after the front (their layouts and PDFs, in order) behind a final render
    of the front part (its HTML as the front part made it, or made again), with continuous page
    numbers, the contents' pages and links, and the outline of the whole."""
    counts = [front_page_count] + [len(layout["sizes"]) for layout in layouts]
    renders = 0
    while True:  # the front's page count does not depend on the numbers; if it ever does, again
        toc_pages = _global_pages(layouts, counts)
        document, front_layout = _render(
            number_contents(front_html, toc_pages)
            if front_html is not None
            else report_html(report, {"kind": "front"}, toc_pages)
        )
        renders += 1
        if len(document.pages) == counts[0] or renders == 3:
            counts[0] = len(document.pages)
            break
        counts[0] = len(document.pages)
    front = _write(document)
    all_layouts = [front_layout, *layouts]
    writer = PdfWriter()
    for content in [front, *contents]:
        writer.append(PdfReader(io.BytesIO(content)), import_outline=False)
    total = len(writer.pages)
    if total != sum(counts):
        raise RuntimeError(f"joined {total} pages, the parts have {sum(counts)}")
    _stamp_page_numbers(writer, total)
    _share_fonts(writer)
    _add_outline(writer, all_layouts, counts)
    _add_links(writer, front_layout, all_layouts, counts)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return JoinedPdf(content=out.getvalue(), page_count=total, front_renders=renders)


def page_number_sheet(total: int) -> bytes:
    """One page holding every "n / total" (n from 2: the cover has none) in a grid of cells,
    in the report's font, size and colour."""
    rows = math.ceil(total / SHEET_COLUMNS)
    return render_document(
        render_to_string(
            "candidates/report/page_numbers.html",
            {
                "numbers": range(1, total + 1),
                "total": total,
                "width": SHEET_COLUMNS * CELL_WIDTH,
                "height": rows * CELL_HEIGHT,
                "cell_width": CELL_WIDTH,
                "cell_height": CELL_HEIGHT,
            },
        )
    )[0].write_pdf()


def page_number_forms(total: int) -> tuple[bytes, list[bytes], DictionaryObject, float]:
    """The sheet cut into one drawing per number, each kept where it is on the sheet: the
    sheet's graphics state (transformations, colour) and each line's text (its Tm and TJ)."""
    sheet = PdfReader(io.BytesIO(page_number_sheet(total))).pages[0]
    lines = cast(ContentStream, sheet.get_contents()).get_data().splitlines()
    state = [line for line in lines if line.endswith((b" cm", b" gs", b" rg"))]
    font = next(line for line in lines if line.endswith(b" Tf"))
    cells, position = [], None
    for line in lines:
        if line.endswith(b" Tm"):
            position = line
        elif line.endswith(b" TJ") and position is not None:
            cells.append(b"BT\n" + position + b"\n" + font + b"\n" + line + b"\nET\n")
            position = None
    if len(cells) != total:
        raise RuntimeError(f"page number sheet: {len(cells)} numbers, not {total}")
    opening = b"".join(line + b"\n" for line in state)
    resources = cast(DictionaryObject, sheet["/Resources"].get_object())
    return opening, cells, resources, float(sheet.mediabox.height)


def _stamp_page_numbers(writer: PdfWriter, total: int) -> None:
    """Each page but the cover gets a form XObject drawing its own "n / total" in the middle of
    the bottom margin, where the single render's footer is; the forms share one font."""
    opening, cells, sheet_resources, sheet_height = page_number_forms(total)
    resources_ref = writer._add_object(sheet_resources.clone(writer))
    save = DecodedStreamObject()
    save.set_data(b"q\n")
    save_ref = writer._add_object(save)
    width, height = CELL_WIDTH * PX, CELL_HEIGHT * PX
    for index, page in enumerate(writer.pages):
        if index == 0:
            continue  # the cover
        column, row = index % SHEET_COLUMNS, index // SHEET_COLUMNS  # the cell of number index+1
        left, bottom = column * width, sheet_height - (row + 1) * height
        form = DecodedStreamObject()
        form.set_data(opening + cells[index])
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(v) for v in (left, bottom, left + width, bottom + height)]
                ),
                NameObject("/Resources"): resources_ref,
            }
        )
        form_ref = writer._add_object(form.flate_encode())
        x = float(page.mediabox.width) / 2 - (left + width / 2)
        y = float(page.mediabox.bottom) + FOOTER_CENTRE_FROM_BOTTOM - (bottom + height / 2)
        tail = DecodedStreamObject()
        tail.set_data(f"Q\nq 1 0 0 1 {x:.2f} {y:.2f} cm {XOBJECT} Do Q\n".encode())
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        own = DictionaryObject(resources)  # pages may share one resources dictionary
        xobjects = DictionaryObject(
            cast(DictionaryObject, own.get("/XObject", DictionaryObject()).get_object())
        )
        xobjects[NameObject(XOBJECT)] = form_ref
        own[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = own
        contents = page["/Contents"]
        resolved = contents.get_object()
        existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save_ref, *existing, writer._add_object(tail)])


def _destination(writer: PdfWriter, index: int, x: float, y: float) -> tuple[int, Fit]:
    page = writer.pages[index]
    return index, Fit.xyz(left=x * PX, top=float(page.mediabox.height) - y * PX)


def _add_outline(writer: PdfWriter, layouts: Sequence[dict], counts: Sequence[int]) -> None:
    """The outline of the whole, nested by heading level as WeasyPrint nests a single render."""
    stack: list[tuple[int, IndirectObject]] = []  # (level, outline item)
    for layout, offset in zip(layouts, _offsets(counts), strict=True):
        for level, label, index, x, y in layout["bookmarks"]:
            while stack and stack[-1][0] >= level:
                stack.pop()
            page_index, fit = _destination(writer, offset + index, x, y)
            item = writer.add_outline_item(
                title=label,
                page_number=page_index,
                parent=stack[-1][1] if stack else None,
                fit=fit,
            )
            stack.append((level, item))


def _add_links(
    writer: PdfWriter, front_layout: dict, layouts: Sequence[dict], counts: Sequence[int]
) -> None:
    """Links from the contents to anchors in the other parts (WeasyPrint linked those in the
    front part itself)."""
    targets: dict[str, tuple[int, float, float]] = {}
    for layout, offset in zip(layouts[1:], _offsets(counts)[1:], strict=True):
        for name, (index, x, y) in layout["anchors"].items():
            targets.setdefault(name, (offset + index, x, y))
    for index, target, x1, y1, x2, y2 in front_layout["links"]:
        if target in front_layout["anchors"] or target not in targets:
            continue
        page_height = float(writer.pages[index].mediabox.height)
        page_index, fit = _destination(writer, *targets[target])
        writer.add_annotation(
            index,
            Link(
                rect=(x1 * PX, page_height - y2 * PX, x2 * PX, page_height - y1 * PX),
                target_page_index=page_index,
                fit=fit,
            ),
        )


def _glyph_ids(widths: ArrayObject) -> set[int]:
    """The glyphs a CID font's /W array gives widths for: "c [w1 w2 …]" or "first last w"."""
    ids: set[int] = set()
    items, n = list(widths), 0
    while n < len(items):
        first, following = int(items[n]), items[n + 1]
        if isinstance(following, ArrayObject):
            ids.update(range(first, first + len(following)))
            n += 2
        else:
            ids.update(range(first, int(following) + 1))
            n += 3
    return ids


# Tables a PDF's font does not need: the text is already shaped (the pages name glyphs by id).
DROPPED_FONT_TABLES = ("BASE", "DSIG", "GPOS", "GSUB", "JSTF", "SVG ")


def font_subset(path: str, glyph_ids: set[int]) -> bytes:
    """The font file cut down to these glyphs, each keeping its id (as WeasyPrint's subsets do:
    the pages' text names glyphs by id). HarfBuzz's subsetter, as WeasyPrint's own: fontTools
    took 0.35 s a font for what this does in 5 ms, the same bytes (docs/benchmarks.md)."""
    file = next(root / path for root in static_roots() if (root / path).exists())
    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(file)))
    wanted = uharfbuzz.SubsetInput()
    wanted.glyph_set.update(sorted(glyph_ids | {0}))
    flags = uharfbuzz.SubsetFlags
    wanted.flags = (
        flags.RETAIN_GIDS | flags.NOTDEF_OUTLINE | flags.NO_HINTING | flags.DESUBROUTINIZE
    )
    dropped = wanted.sets(uharfbuzz.SubsetInputSets.DROP_TABLE_TAG)
    dropped.update(int.from_bytes(tag.encode(), "big") for tag in DROPPED_FONT_TABLES)
    return uharfbuzz.subset(face, wanted).blob.data


def _share_fonts(writer: PdfWriter) -> None:
    """Each part embedded its own subset of the report's fonts: point every part's font at one
    subset of the glyphs all of them use (the parts' own become unreferenced and are dropped)."""
    descriptors: dict[str, list[DictionaryObject]] = {}
    used: dict[str, set[int]] = {}
    seen: set[int] = set()
    for page in writer.pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        fonts = cast(DictionaryObject, resources.get("/Font", DictionaryObject()).get_object())
        for ref in fonts.values():
            font = cast(DictionaryObject, ref.get_object())
            if id(font) in seen or font.get("/Subtype") != "/Type0":
                continue
            seen.add(id(font))
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            if name not in REPORT_FONTS:
                continue
            cid_font = cast(DictionaryObject, cast(ArrayObject, font["/DescendantFonts"])[0])
            cid_font = cast(DictionaryObject, cid_font.get_object())
            descriptor = cast(DictionaryObject, cid_font["/FontDescriptor"].get_object())
            descriptors.setdefault(name, []).append(descriptor)
            used.setdefault(name, set()).update(_glyph_ids(cid_font.get("/W", ArrayObject())))
    for name, font_descriptors in descriptors.items():
        stream = DecodedStreamObject()
        stream.set_data(font_subset(REPORT_FONTS[name], used[name]))
        shared = writer._add_object(stream.flate_encode())
        for descriptor in font_descriptors:
            descriptor[NameObject("/FontFile2")] = shared
