"""docs/notifications.md lists every kind of the registry, with its audience and sender."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from reef.notifications.kinds import KINDS

DOC = Path(__file__).resolve().parents[3] / "docs" / "notifications.md"


def _rows() -> dict[str, list[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- kinds:begin -->")[1].split("<!-- kinds:end -->")[0]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0].strip("`")] = cells
    return rows


def test_docs_list_every_kind_with_its_sender() -> None:
    rows = _rows()
    assert set(rows) == set(KINDS)
    with translation.override("en"):
        for key, kind in KINDS.items():
            _key, _handoff, audience, recipients, sender = rows[key]
            assert audience == str(kind.audience), key
            assert recipients == f"`{kind.recipients}`", key
            assert sender == f"sender: `{kind.sender}`", key
