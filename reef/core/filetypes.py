"""File types decided by content (magic bytes), shared by every upload check. No Django."""

from __future__ import annotations

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ZIP = "application/zip"

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"PK\x03\x04", ZIP),
)


def sniff_magic(head: bytes) -> str | None:
    """PDF, PNG, JPEG or a zip archive from the first bytes; None for anything else."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None
