"""SVG labels drawn as whole strings by WeasyPrint, where nothing places their glyphs one by one.

WeasyPrint lays out and draws an SVG <text> one code point at a time (a Pango layout and a text
object each), since SVG may place every glyph on its own: lists of x, y, dx, dy or rotate
values, letter-spacing, textLength. The report's timelines place none: each of a chart's ~50
labels (the years, the milestones, the slips) is one string at one point. For such a label, one
layout of the whole string draws the same picture (the same glyphs at the same places: the
report's Japanese font has no kerning; a Latin one would gain its kerning) in a tenth of the
calls: the 詳細版's candidate parts write ~25 % faster (docs/benchmarks.md).

This is what WeasyPrint's maintainer proposes for the common case (Kozea/WeasyPrint#2249, "draw
the whole text instead of separating codepoints when there's no specified x, y, dx, dy or rotate
values for specific glyphs"); remove this module when a release does it. It wraps WeasyPrint's
own function: the text is handed to it as a string that iterates as one "letter", and every
other case goes to it unchanged.
"""

from __future__ import annotations

import importlib

from weasyprint import svg as weasy_svg
from weasyprint.svg.utils import normalize

# weasyprint.svg's name "text" is the drawing function; the module holding it is imported by name.
_weasy_text = importlib.import_module("weasyprint.svg.text").text
PER_GLYPH = ("dx", "dy", "rotate", "letter-spacing", "textLength", "lengthAdjust")


class _WholeString(str):
    """A label WeasyPrint's per-letter loop lays out in one go: it iterates as one letter."""

    def __iter__(self):
        yield str(self)


def _placed_as_a_whole(node) -> bool:
    """Whether nothing in the node places its glyphs one by one: at most one x and one y, no
    shifts, rotation, spacing or stretching (as attributes or styles)."""
    if any(node.get(name) is not None for name in PER_GLYPH):
        return False
    return all(
        len(normalize(node.attrib[name]).split()) <= 1 for name in ("x", "y") if name in node.attrib
    )


def draw_text(svg, node, font_size):
    """WeasyPrint's SVG text drawing, given a label placed as a whole as one letter."""
    element = node._etree_node
    label = element.text
    if not label or len(label) == 1 or not _placed_as_a_whole(node):
        return _weasy_text(svg, node, font_size)
    element.text = _WholeString(label)
    try:
        return _weasy_text(svg, node, font_size)
    finally:
        element.text = label


def install() -> None:
    """Draw SVG text with draw_text (idempotent). WeasyPrint's SVG renderer compares a node's
    drawing function with its module's `text` to anchor labels: both are replaced."""
    for tag, function in list(weasy_svg.TAGS.items()):
        if function is _weasy_text:
            weasy_svg.TAGS[tag] = draw_text
    weasy_svg.text = draw_text


def uninstall() -> None:
    """WeasyPrint's own drawing again (tests compare the two)."""
    for tag, function in list(weasy_svg.TAGS.items()):
        if function is draw_text:
            weasy_svg.TAGS[tag] = _weasy_text
    weasy_svg.text = _weasy_text
