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
- the parts' pages are appended in order, the front part's first;
- the page numbers ("n / total", the single render's footer) are stamped on every page but the
  cover, and the page of each contents entry that points into another part where the single
  render writes it (the entry's right end): WeasyPrint lays out a small sheet of the numbers
  with the report's font, each number becomes a form XObject, and a page shows its own (a
  translation appended to the page's content; nothing of the page itself is re-encoded or
  laid out again);
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


@dataclass(frozen=True)
class NumberStyle:
    """How a sheet's numbers look and sit in their cells (CSS px), as report.css draws them."""

    font_size: str
    colour: str
    align: str
    cell_width: float
    cell_height: float
    line_height: str


# The footer's "n / total" (@page @bottom-center), centred in a cell the bottom margin's middle
# is the centre of; "9999 / 9999" fits with room to spare.
PAGE_NUMBERS = NumberStyle("8pt", "#4d4d4d", "center", 120, 16, "16px")
# A contents entry's page (.toc li a::after): right-aligned in a 2.7em box, one line high, at
# the bottom right of the entry.
CONTENTS_FONT_PT = 9.5
CONTENTS_NUMBERS = NumberStyle(
    f"{CONTENTS_FONT_PT}pt",
    "#1a1a1a",
    "right",
    2.7 * CONTENTS_FONT_PT / PX,
    1.6 * CONTENTS_FONT_PT / PX,
    "1.6",
)
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
    # The contents entries whose page the join stamps, by page and target: their right and
    # bottom ends (the entry's box holds the boxes of its text, also links, the same target).
    contents: dict[tuple[int, str], list[float]] = {}
    for index, page in enumerate(document.pages):
        for name, (x, y, *_rest) in page.anchors.items():
            anchors.setdefault(name, [index, x, y])
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append([level, label, index, x, y])
        for kind, target, (x1, y1, x2, y2), box in page.links:
            if kind == "internal":
                links.append([index, target, x1, y1, x2, y2])
                if box.element is not None and box.element.get("data-page") is not None:
                    right, bottom = contents.get((index, target), (x2, y2))
                    contents[index, target] = [max(right, x2), max(bottom, y2)]
    return {
        "anchors": anchors,
        "bookmarks": bookmarks,
        "links": links,
        "contents": [[index, target, *end] for (index, target), end in contents.items()],
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


def _write(document: Document) -> bytes:
    with _quiet_missing_anchors():
        return document.write_pdf()


def render_part(report: CouncilReport, spec: dict) -> RenderedPart:
    """Lay one part out and write its PDF."""
    document, layout = _render(report_html(report, spec))
    return RenderedPart(content=_write(document), page_count=len(document.pages), layout=layout)


@dataclass
class JoinedPdf:
    content: bytes
    page_count: int


def _offsets(counts: Sequence[int]) -> list[int]:
    offsets, total = [], 0
    for count in counts:
        offsets.append(total)
        total += count
    return offsets


def _anchor_places(layouts: Sequence[dict], counts: Sequence[int]) -> dict[str, tuple]:
    """Each anchor's place in the joined document, its first occurrence: the page's index from
    0, and x and y on it (CSS px)."""
    places: dict[str, tuple] = {}
    for layout, offset in zip(layouts, _offsets(counts), strict=True):
        for name, (index, x, y) in layout["anchors"].items():
            places.setdefault(name, (offset + index, x, y))
    return places


def join_parts(layouts: Sequence[dict], contents: Sequence[bytes]) -> JoinedPdf:
    """Join the parts (their layouts and PDFs in order, the front part's first) into one
    document with continuous page numbers, the contents' pages and links, and the outline of
    the whole."""
    counts = [len(layout["sizes"]) for layout in layouts]
    writer = PdfWriter()
    for content in contents:
        writer.append(PdfReader(io.BytesIO(content)), import_outline=False)
    total = len(writer.pages)
    if total != sum(counts):
        raise RuntimeError(f"joined {total} pages, the parts have {sum(counts)}")
    anchors = _anchor_places(layouts, counts)
    _stamp_numbers(writer, total, layouts[0]["contents"], anchors)
    _share_fonts(writer)
    _add_outline(writer, layouts, counts)
    _add_links(writer, layouts[0], anchors)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return JoinedPdf(content=out.getvalue(), page_count=total)


def number_sheet(texts: Sequence[str], style: NumberStyle) -> bytes:
    """One page holding the texts one under another, each in a cell of the style (and a cell's
    height to spare: the cells' heights, rounded, must not push the last onto a page of its
    own)."""
    return render_document(
        render_to_string(
            "candidates/report/number_sheet.html",
            {"texts": texts, "style": style, "height": (len(texts) + 1) * style.cell_height},
        )
    )[0].write_pdf()


@dataclass
class NumberForms:
    """A sheet's numbers, each a form XObject drawing it where it is on the sheet."""

    forms: list[IndirectObject]
    cell_width: float  # in points, as every position here
    cell_height: float
    sheet_height: float

    def translation(self, n: int, left: float, bottom: float) -> str:
        """The content that draws number n with its cell's bottom left corner at (left, bottom)."""
        x = left
        y = bottom - (self.sheet_height - (n + 1) * self.cell_height)
        return f"q 1 0 0 1 {x:.2f} {y:.2f} cm"


def number_forms(writer: PdfWriter, texts: Sequence[str], style: NumberStyle) -> NumberForms:
    """The sheet of these texts cut into one form per text, added to the writer: the sheet's
    graphics state (transformations, colour) and the text's line (its Tm and TJ); the forms
    share the sheet's resources (its font)."""
    sheet = PdfReader(io.BytesIO(number_sheet(texts, style))).pages[0]
    lines = cast(ContentStream, sheet.get_contents()).get_data().splitlines()
    state = b"".join(line + b"\n" for line in lines if line.endswith((b" cm", b" gs", b" rg")))
    font = next(line for line in lines if line.endswith(b" Tf"))
    cells, position = [], None
    for line in lines:
        if line.endswith(b" Tm"):
            position = line
        elif line.endswith(b" TJ") and position is not None:
            cells.append(b"BT\n" + position + b"\n" + font + b"\n" + line + b"\nET\n")
            position = None
    if len(cells) != len(texts):
        raise RuntimeError(f"number sheet: {len(cells)} numbers, not {len(texts)}")
    resources = writer._add_object(
        cast(DictionaryObject, sheet["/Resources"].get_object()).clone(writer)
    )
    sheet_height = float(sheet.mediabox.height)
    width, height = style.cell_width * PX, style.cell_height * PX
    forms = []
    for n, cell in enumerate(cells):
        bottom = sheet_height - (n + 1) * height
        form = DecodedStreamObject()
        form.set_data(state + cell)
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(v) for v in (0, bottom, width, bottom + height)]
                ),
                NameObject("/Resources"): resources,
            }
        )
        forms.append(writer._add_object(form.flate_encode()))
    return NumberForms(forms, width, height, sheet_height)


def _stamp_numbers(
    writer: PdfWriter, total: int, contents: Sequence[list], anchors: dict[str, tuple]
) -> None:
    """Each page but the cover gets its "n / total" in the middle of the bottom margin, and
    each contents entry into another part its target's page at its right end, where the single
    render writes them."""
    pages = {name: index + 1 for name, (index, _x, _y) in anchors.items()}
    stamps: dict[int, list[tuple[IndirectObject, str]]] = {}
    footers = number_forms(writer, [f"{n} / {total}" for n in range(1, total + 1)], PAGE_NUMBERS)
    for index, page in enumerate(writer.pages):
        if index:  # not the cover
            left = float(page.mediabox.width) / 2 - footers.cell_width / 2
            bottom = float(page.mediabox.bottom) + FOOTER_CENTRE_FROM_BOTTOM
            move = footers.translation(index, left, bottom - footers.cell_height / 2)
            stamps.setdefault(index, []).append((footers.forms[index], move))
    entries = [entry for entry in contents if entry[1] in pages]
    numbers = sorted({pages[target] for _index, target, _x, _y in entries})
    if numbers:
        cells = number_forms(writer, [str(n) for n in numbers], CONTENTS_NUMBERS)
        cell_of = {number: n for n, number in enumerate(numbers)}
        for index, target, right, bottom in entries:
            n = cell_of[pages[target]]
            page_height = float(writer.pages[index].mediabox.height)
            move = cells.translation(n, right * PX - cells.cell_width, page_height - bottom * PX)
            stamps.setdefault(index, []).append((cells.forms[n], move))
    save = DecodedStreamObject()
    save.set_data(b"q\n")
    save_ref = writer._add_object(save)
    for index, drawings in stamps.items():
        page = writer.pages[index]
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        own = DictionaryObject(resources)  # pages may share one resources dictionary
        xobjects = DictionaryObject(
            cast(DictionaryObject, own.get("/XObject", DictionaryObject()).get_object())
        )
        tail = [b"Q"]
        for k, (form, move) in enumerate(drawings):
            name = f"/KyNumber{k}"
            xobjects[NameObject(name)] = form
            tail.append(f"{move} {name} Do Q".encode())
        own[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = own
        drawn = DecodedStreamObject()
        drawn.set_data(b"\n".join(tail) + b"\n")
        contents_ref = page["/Contents"]
        resolved = contents_ref.get_object()
        existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents_ref]
        page[NameObject("/Contents")] = ArrayObject(
            [save_ref, *existing, writer._add_object(drawn)]
        )


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


def _add_links(writer: PdfWriter, front_layout: dict, anchors: dict[str, tuple]) -> None:
    """Links from the contents to anchors in the other parts (WeasyPrint linked those in the
    front part itself)."""
    for index, target, x1, y1, x2, y2 in front_layout["links"]:
        if target in front_layout["anchors"] or target not in anchors:
            continue
        page_height = float(writer.pages[index].mediabox.height)
        page_index, fit = _destination(writer, *anchors[target])
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
