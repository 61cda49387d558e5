from __future__ import annotations

import io
import zipfile

import pytest

from reef.records import uploads

PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><script>alert(1)</script>"


def _check(name: str, data: bytes, max_bytes: int = 1024 * 1024, **kw: object) -> uploads.Checked:
    return uploads.inspect(
        name=name,
        size=len(data),
        stream=io.BytesIO(data),
        max_bytes=max_bytes,
        **kw,  # type: ignore[arg-type]
    )


def _ooxml(kind: str, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml" if kind == "pptx" else "word/document.xml", "<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "ctype", "ext"),
    [
        ("report.pdf", PDF, uploads.PDF, "pdf"),
        ("photo.PNG", PNG, uploads.PNG, "png"),
        ("photo.jpeg", JPEG, uploads.JPEG, "jpg"),
        ("slides.pptx", _ooxml("pptx"), uploads.PPTX, "pptx"),
        ("note.docx", _ooxml("docx"), uploads.DOCX, "docx"),
    ],
)
def test_accepted_types(name: str, data: bytes, ctype: str, ext: str) -> None:
    checked = _check(name, data)
    assert checked.content_type == ctype and checked.extension == ext


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("drawing.svg", SVG, "Only PDF"),
        ("drawing.png", SVG, "Only PDF"),  # SVG with a script behind an image name
        ("page.html", HTML, "Only PDF"),
        ("page.pdf", HTML, "Only PDF"),  # spoofed extension
        ("photo.png", PDF, "extension"),  # real PDF, image name
        ("report.pdf.exe", PDF, "extension"),
        ("noextension", PDF, "extension"),
        ("../../etc/passwd.pdf", PDF, "path"),
        ("a/b.pdf", PDF, "path"),
        ("c:\\x\\b.pdf", PDF, "path"),
        ("b\x00.pdf", PDF, "path"),
        ("empty.pdf", b"", "empty"),
        ("archive.docx", b"PK\x03\x04garbage", "valid"),
    ],
)
def test_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(uploads.UploadRefused, match=message):
        _check(name, data)


def test_oversize_is_refused() -> None:
    with pytest.raises(uploads.UploadRefused, match="larger"):
        _check("big.pdf", PDF + b"0" * 2000, max_bytes=1024)


def test_photo_slot_refuses_documents() -> None:
    with pytest.raises(uploads.UploadRefused, match="not accepted here"):
        _check("report.pdf", PDF, allowed=uploads.IMAGES)


def test_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 4 * 1024 * 1024)
    bomb = _ooxml("docx", {"word/media/zeros.bin": b"\x00" * (5 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    with pytest.raises(uploads.UploadRefused, match=r"unpacks|compressed"):
        _check("bomb.docx", bomb)


def test_zip_ratio_is_refused() -> None:
    bomb = _ooxml("docx", {"word/media/zeros.bin": b"\x00" * (3 * 1024 * 1024)})
    with pytest.raises(uploads.UploadRefused, match="compressed suspiciously"):
        _check("bomb.docx", bomb)


def test_plain_zip_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.html", HTML)
    with pytest.raises(uploads.UploadRefused, match="Only PDF"):
        _check("thing.docx", buf.getvalue())


def test_clean_name_keeps_safe_characters() -> None:
    assert uploads.clean_name("Présentation finale (v2).pdf") == "Presentation finale (v2).pdf"
    assert uploads.clean_name('evil";name.pdf') == "evil_name.pdf"
