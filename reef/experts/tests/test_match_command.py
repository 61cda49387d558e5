"""The `reef match` command's contract: JSON out, clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- CLI contract


def test_match_command_prints_json(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "team.json"
    path.write_text(
        json.dumps(
            {
                "missions": [
                    {"id": "m1", "country": "GD", "start": "2026-03-02", "end": "2026-03-06"}
                ],
                "experts": [
                    {
                        "id": "e1",
                        "roles": ["technical"],
                        "sector": "private",
                        "country": "GD",
                        "languages": ["en"],
                        "availability": [{"start": "2026-01-01", "end": "2026-12-31"}],
                    },
                    {
                        "id": "e2",
                        "roles": ["criminal_justice"],
                        "languages": ["en"],
                        "availability": [{"start": "2026-01-01", "end": "2026-12-31"}],
                    },
                ],
            }
        )
    )
    call_command("match", "team", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert {m["expert"] for m in out["teams"][0]["members"]} == {"e1", "e2"}
    reviewers = tmp_path / "reviewers.json"
    reviewers.write_text(
        json.dumps(
            {
                "proposals": [{"id": "p1", "needs": 1, "text": "incident response"}],
                "reviewers": [{"id": "r1", "max_load": 1, "text": "incident response lead"}],
            }
        )
    )
    call_command("match", "reviewers", str(reviewers), "--json")
    assert json.loads(capsys.readouterr().out)["assignment"][0]["reviewer"] == "r1"


def test_match_command_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"proposals": [{"id": "p1", "needs": -1}], "reviewers": []}))
    with pytest.raises(CommandError, match=r"bad\.json: proposals\[0\]\.needs"):
        call_command("match", "reviewers", str(path), "--json")
    with pytest.raises(CommandError, match=r"missing\.json"):
        call_command("match", "team", str(tmp_path / "missing.json"), "--json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("match", "team", str(tmp_path / "broken.json"), "--json")
