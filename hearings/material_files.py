"""The names under which uploaded meeting materials (PDF) are stored."""

import re
import unicodedata

# Japanese is 3 bytes a character in UTF-8: 60 characters stay far below a file system's
# 255-byte name limit, and the stored path below the model field's 100 characters.
MAX_STEM_CHARS = 60


def material_file_name(name: str) -> str:
    """A safe name for an uploaded PDF: no folders, no control, format or punctuation
    characters (only letters and digits of any script, '.', '-', '_'), at most
    MAX_STEM_CHARS before an always lower-case '.pdf'."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = re.sub(r"\s+", "_", stem)
    stem = re.sub(r"[^\w.\-]", "", stem)
    stem = stem.strip("._-")[:MAX_STEM_CHARS].strip("._-")
    return f"{stem or 'material'}.pdf"
