"""Console commands: the `consensus analyze` contract, Polis import/export, reminders."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from reef.consultations import opinion
from reef.consultations.models import Consultation

LONDON = Path(__file__).resolve().parent / "data" / "polis" / "london.youth.policing"


def test_consensus_analyze_json_contract() -> None:
    out = StringIO()
    call_command("consensus", "analyze", str(LONDON), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data == json.loads(json.dumps(opinion.analyze_folder(LONDON)))
    assert set(data) == {"participants", "groups", "consensus", "statements"}
    p = data["participants"][0]
    assert set(p) == {"id", "group", "x", "y", "votes"}
    assert set(data["consensus"]) == {"agree", "disagree"}
    assert set(data["statements"][0]) == {"id", "agree", "disagree", "pass", "gic", "divisive"}
    assert {"id", "size", "representative"} <= set(data["groups"][0])


def test_consensus_analyze_bad_file_fails_clearly(tmp_path: Path) -> None:
    shutil.copy(LONDON / "comments.csv", tmp_path / "comments.csv")
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\n2,d,1,2,maybe\n"
    )
    with pytest.raises(CommandError, match=r"line 3, column 'vote'"):
        call_command("consensus", "analyze", str(tmp_path), "--json", stdout=StringIO())
    with pytest.raises(CommandError, match="not a folder"):
        call_command("consensus", "analyze", str(tmp_path / "nope"), "--json")


@pytest.mark.django_db
def test_consultation_import_export_commands(users: dict[str, Any], tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "consultation",
        "import",
        str(LONDON),
        "--as",
        users["coordinator"].email,
        "--owner",
        "caricom-impacs",
        "--title",
        "London",
        stdout=out,
    )
    c = Consultation.objects.get(title="London")
    assert f"imported consultation {c.pk}" in out.getvalue()
    call_command(
        "consultation",
        "export",
        str(c.pk),
        str(tmp_path / "out"),
        "--as",
        users["coordinator"].email,
        stdout=StringIO(),
    )
    assert (tmp_path / "out" / "participants-votes.csv").exists()
    with pytest.raises(CommandError, match="Not found"):
        call_command(
            "consultation", "export", str(c.pk), str(tmp_path / "x"), "--as", users["public"].email
        )
    with pytest.raises(CommandError, match="editors"):
        call_command(
            "consultation", "export", str(c.pk), str(tmp_path / "x"), "--as", users["donor"].email
        )
    with pytest.raises(CommandError, match="--as"):
        call_command("consultation", "import", str(LONDON), "--owner", "caricom-impacs")
    out = StringIO()
    call_command("consultation", "remind", stdout=out)
    assert "reminders sent" in out.getvalue()
