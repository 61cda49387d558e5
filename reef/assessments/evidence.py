"""Checks on uploaded evidence: the content decides the type, not the name or the header."""

from __future__ import annotations

from reef.core.filetypes import sniff_magic

#: content type -> stored file extension
ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "text/plain": "txt",
}


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None when it is not allowed.

    PDF, PNG and JPEG by their magic bytes; plain text when the bytes are UTF-8 with no
    control characters other than tab, newline, carriage return and form feed.
    """
    binary = sniff_magic(head)
    if binary is not None:
        return binary if binary in ALLOWED else None
    if not head:
        return None
    try:
        # The sample may end inside a multi-byte character.
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return None
        text = head[: exc.start].decode("utf-8")
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text) or "\x7f" in text:
        return None
    return "text/plain"
