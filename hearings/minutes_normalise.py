"""Clean-up of minutes text pasted from a PDF: digits, stray spaces, page numbers, broken lines.

Only what is safe is changed: full-width ASCII letters and digits become half-width, spaces
between Japanese and Latin characters go ("DX 推進室" → "DX推進室", "令和 7 年" → "令和7年"),
page-number lines go. Japanese punctuation (「」（）・→①②③) is kept as written.
"""

import hashlib
import re

_FULLWIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({chr(code): chr(code - 0xFEE0) for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({chr(code): chr(code - 0xFEE0) for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({"\u3000": " ", "：": ":", "．": ".", "－": "-", "\t": "  "})
_TABLE = str.maketrans(_FULLWIDTH)

CJK = r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヵヶ"
_SPACE_CJK_LATIN = re.compile(rf"(?<=[{CJK}])[ ]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])[ ]+(?=[{CJK}])")
# No two \s* side by side around an optional part: on a long run of spaces they backtrack
# quadratically (a pasted line of spaces took seconds).
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—]\s*)?\d{1,3}\s*(?:[-－—]\s*)?$|^\s*\d{1,3}\s*/\s*\d{1,3}\s*$"
)


def normalise_line(line: str) -> str:
    """Half-width digits and letters, no stray spaces between Japanese and Latin text."""
    line = line.translate(_TABLE).replace("\f", "")
    line = _SPACE_CJK_LATIN.sub("", line)
    return line.rstrip()


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def normalise_lines(text: str) -> list[str]:
    """The text as cleaned lines; page-number lines removed, blank lines kept (as "")."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = []
    for raw in text.split("\n"):
        line = normalise_line(raw)
        if line.strip() and is_page_number(line):
            continue
        lines.append(line)
    return lines


SENTENCE_ENDS = ("。", "」", "）", ")", "．", "!", "?", "！", "？", ":", "：")


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(SENTENCE_ENDS)


def text_digest(text: str) -> str:
    """A fingerprint of the minutes' words: equal for the same minutes pasted twice, whatever
    the line breaks, spaces, full- or half-width digits and page numbers of each copy."""
    words = "".join("".join(line.split()) for line in normalise_lines(text))
    return hashlib.sha256(words.encode()).hexdigest() if words else ""
