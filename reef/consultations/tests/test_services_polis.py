"""Polis import and export through the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reef.consultations import polis_io, services
from reef.consultations.models import Consultation
from reef.consultations.tests.helpers import community_consultation
from reef.core.errors import PermissionDenied, ServiceError
from reef.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


LONDON = Path(__file__).resolve().parent / "data" / "polis" / "london.youth.policing"


def test_polis_round_trip_through_services(users: dict[str, Any], tmp_path: Path) -> None:
    impacs = Organisation.objects.get(slug="caricom-impacs")
    c = services.consultation_import_polis(
        actor=users["coordinator"], folder=LONDON, title="London", owner_organisation=impacs
    )
    original = polis_io.read_export(LONDON)
    assert c.statements.count() == len(original.comments)
    assert c.votes.count() == len(original.final_votes())
    services.consultation_export_polis(actor=users["coordinator"], consultation=c, folder=tmp_path)
    again = polis_io.read_export(tmp_path)

    def votes(export: polis_io.PolisExport) -> set[tuple[Any, Any, int]]:
        return {(cid, vid, v) for _, _, cid, vid, v in export.final_votes().records()}

    assert votes(again) == votes(original)
    assert [(x.id, x.author_id, x.moderated, x.body) for x in again.comments] == sorted(
        [(x.id, x.author_id, x.moderated, x.body) for x in original.comments]
    )
    assert again.participants is not None
    # Importing our own export gives the same consultation again.
    c2 = services.consultation_import_polis(
        actor=users["coordinator"], folder=tmp_path, title="Again", owner_organisation=impacs
    )
    assert c2.votes.count() == c.votes.count()


def test_polis_bad_file_names_line_and_column_and_changes_nothing(
    users: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,d,1,1,0,0,1,Fine\n"
    )
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\n2,d,1,2,yes\n"
    )
    before = Consultation.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.consultation_import_polis(
            actor=users["coordinator"],
            folder=tmp_path,
            title="Bad",
            owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
        )
    assert "line 3" in exc.value.message and "'vote'" in exc.value.message
    assert Consultation.objects.count() == before


def test_polis_export_only_for_editors(
    c: Consultation, users: dict[str, Any], tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        services.consultation_export_polis(actor=users["expert"], consultation=c, folder=tmp_path)
    assert not (tmp_path / "comments.csv").exists()
