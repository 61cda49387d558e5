"""Checks on uploaded files: the content decides the type, never the name or the header.

Plain Python, no Django. Accepted: PDF, PNG, JPEG, and Office Open XML presentations
and documents (PPTX, DOCX: zip archives, checked against archive bombs). Everything
else (HTML, SVG, scripts, executables, other archives) is refused.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from reef.core.filetypes import JPEG as JPEG
from reef.core.filetypes import PDF as PDF
from reef.core.filetypes import PNG as PNG
from reef.core.filetypes import sniff_magic

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: content type -> (stored extension, accepted extensions of the uploaded name)
TYPES: dict[str, tuple[str, frozenset[str]]] = {
    PDF: ("pdf", frozenset({"pdf"})),
    PNG: ("png", frozenset({"png"})),
    JPEG: ("jpg", frozenset({"jpg", "jpeg"})),
    PPTX: ("pptx", frozenset({"pptx"})),
    DOCX: ("docx", frozenset({"docx"})),
}
IMAGES = frozenset({PNG, JPEG})
DOCUMENTS = frozenset({PDF, PPTX, DOCX})

#: Limits on the unpacked content of an OOXML archive.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 2000
MAX_COMPRESSION_RATIO = 100


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue; callers translate it."""
    return message


class UploadRefused(ValueError):
    """The file is refused; the message is fit for the person who sent it.

    `message` is the untranslated text (marked for the catalogue) and `params` fill
    its %(name)s placeholders, so that callers can translate it.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str  # extension of the stored file
    safe_name: str  # the uploaded name, cleaned, for Content-Disposition


_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


def clean_name(name: str) -> str:
    """The uploaded name, refused if it carries a path; reduced to safe characters."""
    if not name or not name.strip():
        raise UploadRefused(gettext_noop("The file has no name."))
    if any(ch in name for ch in "/\\\x00") or name.strip() in {".", ".."} or ".." in name:
        raise UploadRefused(gettext_noop("The file name must not contain a path."))
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise UploadRefused(gettext_noop("The file name contains control characters."))
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name).strip(" .") or "file"
    return cleaned[-150:]


def sniff(head: bytes) -> str | None:
    """The broad type from the first bytes: PDF, PNG, JPEG, a zip archive, or None."""
    return sniff_magic(head)


def _ooxml_type(stream: BinaryIO) -> str:
    """PPTX or DOCX after checking the archive; refuses bombs and other archives."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ARCHIVE_ENTRIES:
                raise UploadRefused(gettext_noop("The archive has too many entries."))
            unpacked = 0
            for info in infos:
                if info.filename.startswith("/") or ".." in info.filename.split("/"):
                    raise UploadRefused(gettext_noop("The archive contains a path outside itself."))
                unpacked += info.file_size
                if unpacked > MAX_UNPACKED_BYTES:
                    raise UploadRefused(
                        gettext_noop("The archive unpacks to more than the size allowed.")
                    )
                if (
                    info.compress_size
                    and info.file_size > 1024 * 1024
                    and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
                ):
                    raise UploadRefused(
                        gettext_noop("The archive is compressed suspiciously well.")
                    )
            names = {info.filename for info in infos}
    except zipfile.BadZipFile:
        raise UploadRefused(gettext_noop("The file is not a valid document.")) from None
    if "[Content_Types].xml" not in names:
        raise UploadRefused(gettext_noop("Only PDF, PNG, JPEG, PPTX and DOCX files are accepted."))
    if "ppt/presentation.xml" in names:
        return PPTX
    if "word/document.xml" in names:
        return DOCX
    raise UploadRefused(gettext_noop("Only PDF, PNG, JPEG, PPTX and DOCX files are accepted."))


def inspect(
    *,
    name: str,
    size: int,
    stream: BinaryIO,
    max_bytes: int,
    allowed: frozenset[str] = IMAGES | DOCUMENTS,
) -> Checked:
    """Check an upload: name, size, content type by magic bytes, extension agreement."""
    safe_name = clean_name(name)
    if size <= 0:
        raise UploadRefused(gettext_noop("The file is empty."))
    if size > max_bytes:
        raise UploadRefused(
            gettext_noop("The file is larger than the %(size)s KiB allowed."),
            size=max_bytes // 1024,
        )
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind = sniff(head)
    if kind == "application/zip":
        kind = _ooxml_type(stream)
        stream.seek(0)
    if kind is None:
        raise UploadRefused(gettext_noop("Only PDF, PNG, JPEG, PPTX and DOCX files are accepted."))
    if kind not in allowed:
        raise UploadRefused(gettext_noop("This kind of file is not accepted here."))
    stored_ext, accepted = TYPES[kind]
    ext = safe_name.rsplit(".", 1)[-1].lower() if "." in safe_name else ""
    if ext not in accepted:
        raise UploadRefused(gettext_noop("The file name's extension does not match its content."))
    return Checked(content_type=kind, extension=stored_ext, safe_name=safe_name)
