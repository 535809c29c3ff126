"""What an uploaded PDF may contain: a document to read, nothing that runs.

The file must begin with ``%PDF-``, parse (pypdf, lenient as the readers are) and carry no
active content: no JavaScript (``/JS``, ``/JavaScript``), no launch action (``/Launch``,
also when an ``/OpenAction`` or an ``/AA`` triggers it), no embedded file. Every object
reachable from the trailer is visited, so an action hidden in an object stream or behind
an escaped name (``/J#53``) is found as well.
"""

import io
import logging

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAGIC = b"%PDF-"
# Keys whose mere presence means active content, and the action types (``/S``) that run.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}
ACTIVE_TYPES = {"/EmbeddedFile"}
# A 5 MB file holds far fewer objects; beyond, the file is refused rather than walked.
MAX_OBJECTS = 200_000
# pypdf warns about every oddity of a malformed file: the refusal says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfRefused(ValueError):
    """Why the file is refused: ``reason`` is one of NOT_PDF, UNREADABLE, ENCRYPTED, ACTIVE."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


NOT_PDF, UNREADABLE, ENCRYPTED, ACTIVE = "not_pdf", "unreadable", "encrypted", "active"


def _is_active(obj: DictionaryObject) -> bool:
    if any(key in ACTIVE_KEYS for key in obj):
        return True
    if obj.get("/S") in ACTIVE_ACTIONS or obj.get("/Type") in ACTIVE_TYPES:
        return True
    # A file specification carrying the file itself (/EF) is an attachment.
    return "/EF" in obj


def _walk(root) -> bool:
    """Whether active content is reachable from ``root`` (iterative: no recursion limit)."""
    stack, seen, visited = [root], set(), 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfRefused(UNREADABLE)
        if isinstance(obj, DictionaryObject):
            if _is_active(obj):
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def check_pdf(data: bytes):
    """Raise ``PdfRefused`` unless ``data`` is a readable PDF without active content."""
    if not data.startswith(MAGIC):
        raise PdfRefused(NOT_PDF)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfRefused(ENCRYPTED)
        if len(reader.pages) == 0:
            raise PdfRefused(UNREADABLE)
        active = _walk(reader.trailer)
    except PdfRefused:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on a broken file
        raise PdfRefused(UNREADABLE) from error
    if active:
        raise PdfRefused(ACTIVE)
