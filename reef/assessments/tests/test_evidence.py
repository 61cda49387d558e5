from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reef.assessments import evidence, services
from reef.assessments.models import Rating, Status
from reef.assessments.tests.helpers import build
from reef.core.errors import ServiceError

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        ("Minutes of the meeting: café\n".encode(), "text/plain"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),
        (b"<html>\x00</html>", None),
        (b"\xff\xfe\x00\x00garbage\xff", None),
        (b"", None),
    ],
)
def test_sniff(head: bytes, expected: str | None) -> None:
    assert evidence.sniff(head) == expected


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_upload_is_checked_by_content_and_stored_under_a_generated_name(
    users: dict[str, Any], clients: dict[str, Any], media: Path
) -> None:
    a = build(users, until=Status.RATING)
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF, content_type="text/html")
    r = services.rating_submit(
        actor=users["expert"],
        assessment=a,
        indicator="P.1.a.2.1",
        value="met",
        evidence_file=upload,
    )
    assert r.evidence_content_type == "application/pdf"
    name = r.evidence_file.name or ""
    assert name.startswith("evidence/") and name.endswith(".pdf")
    assert "passwd" not in name
    assert (media / name).read_bytes() == PDF
    url = f"/assessments/{a.pk}/evidence/{r.pk}/"
    got = clients["expert"].get(url)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content) == PDF
    assert clients["outsider"].get(url).status_code == 404
    # The lead has not rated this indicator yet: the expert's evidence stays hidden.
    assert clients["coordinator"].get(url).status_code == 404


@pytest.mark.django_db
def test_bad_uploads_are_refused_and_change_nothing(
    users: dict[str, Any], settings: Any, media: Path
) -> None:
    a = build(users, until=Status.RATING)
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ServiceError, match="PDF, PNG, JPEG or plain text"):
        services.rating_submit(
            actor=users["expert"],
            assessment=a,
            indicator="P.1.a.2.1",
            value="met",
            evidence_file=exe,
        )
    settings.REEF_MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("big.txt", b"a" * 2048)
    with pytest.raises(ServiceError, match="too large"):
        services.rating_submit(
            actor=users["expert"],
            assessment=a,
            indicator="P.1.a.2.1",
            value="met",
            evidence_file=big,
        )
    assert not Rating.objects.exists()
    assert not (media / "evidence").exists() or not any((media / "evidence").iterdir())


@pytest.mark.django_db
def test_upload_through_the_page(
    users: dict[str, Any], clients: dict[str, Any], media: Path
) -> None:
    a = build(users, until=Status.RATING)
    ind = a.framework.indicators.get(key="P.1.a.2.1")
    prefix = f"i{ind.pk}"
    ok = clients["expert"].post(
        f"/assessments/{a.pk}/rate/{ind.pk}/",
        {f"{prefix}-value": "met", f"{prefix}-evidence_file": SimpleUploadedFile("n.png", PNG)},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200 and b"Saved." in ok.content
    bad = clients["expert"].post(
        f"/assessments/{a.pk}/rate/{ind.pk}/",
        {
            f"{prefix}-value": "met",
            f"{prefix}-evidence_file": SimpleUploadedFile("x.png", b"\x00\x01\x02"),
        },
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 400 and b"PDF, PNG, JPEG or plain text" in bad.content
    assert Rating.objects.get().evidence_content_type == "image/png"
