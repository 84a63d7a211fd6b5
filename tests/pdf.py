"""Reading generated PDFs in tests: extracted text, word positions and embedded fonts."""

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from typing import cast
from xml.etree import ElementTree

from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def page_texts(content: bytes) -> list[str]:
    """Each page's text as poppler lays it out (`pdftotext -layout`), in page order."""
    return _pdftotext(content, "-layout").split("\f")[:-1]


def _pdftotext(content: bytes, option: str) -> str:
    """`pdftotext <option>` of the PDF (poppler-utils)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        return subprocess.run(
            ["pdftotext", option, pdf.name, "-"], capture_output=True, check=True, text=True
        ).stdout


def page_footers(content: bytes) -> list[list[str]]:
    """Each page's "n / total" footers (none on the cover): [[], ["2"], ["3"] …] when right.
    poppler reads "2 / 6" as "2/6" (single digits, the gaps narrower than its word spacing)."""
    pages = page_texts(content)
    return [re.findall(rf"(\d+) ?/ ?{len(pages)}\b", page) for page in pages]


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def embedded_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = cast(DictionaryObject, page["/Resources"])
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor or "/FontFile3" in descriptor:
                    fonts.add(str(font["/BaseFont"]))
    return fonts


@dataclass(frozen=True)
class Word:
    """One word as poppler placed it: page number (from 1), page size and box, in points."""

    page: int
    page_width: float
    page_height: float
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(content: bytes) -> list[Word]:
    """Every word of the PDF with its box, read back by `pdftotext -bbox` (poppler-utils)."""
    html = _pdftotext(content, "-bbox")
    found = []
    document = ElementTree.fromstring(html)  # noqa: S314 - poppler's output for our own PDF
    for number, page in enumerate(document.iterfind(".//{*}page"), start=1):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        for word in page.iterfind(".//{*}word"):
            box = [float(word.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")]
            found.append(Word(number, width, height, word.text or "", *box))
    return found
