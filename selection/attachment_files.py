"""What a proposal may carry as attachments, and the names they are stored under."""

import re
import unicodedata

# Documents as proposals are sent: PDF, Word, Excel, plain text. Checked by name and by the
# first bytes (an Office file is a ZIP), never by the browser's content type.
ALLOWED_SUFFIXES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".txt": (),
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
# 60 characters stay below a file system's 255-byte name limit in UTF-8 (see hearings).
MAX_STEM_CHARS = 60


def suffix_of(name: str) -> str:
    match = re.search(r"\.[A-Za-z0-9]+$", name)
    return match.group(0).lower() if match else ""


def attachment_file_name(name: str) -> str:
    """A safe stored name: no folders, only letters and digits of any script, '.', '-', '_',
    at most MAX_STEM_CHARS before the allowed suffix in lower case."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    suffix = suffix_of(name)
    stem = name[: -len(suffix)] if suffix else name
    stem = re.sub(r"\s+", "_", stem)
    stem = re.sub(r"[^\w.\-]", "", stem)
    stem = stem.strip("._-")[:MAX_STEM_CHARS].strip("._-")
    return f"{stem or 'attachment'}{suffix if suffix in ALLOWED_SUFFIXES else '.bin'}"
