"""Reading generated PDFs in tests: extracted text and the fonts embedded in them."""

import io
from typing import cast

from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


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
