"""Every interface string has a Spanish, French and Dutch translation.

makemessages runs on a copy of the code, so the shipped catalogues are compared
with what the code really contains today.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ["es", "fr", "nl"]

pytestmark = [
    pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext missing"),
    pytest.mark.subprocess,
]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("i18n") / "repo"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "node_modules", "test-artifacts", "__pycache__", "bench", "docs"
        ),
    )
    for domain in ("django", "djangojs"):
        args = [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            "-d",
            domain,
            *[f"-l{code}" for code in LANGUAGES],
        ]
        if domain == "djangojs":
            args += ["--ignore", "static/vendor/*"]
        subprocess.run(
            args,
            cwd=copy,
            check=True,
            capture_output=True,
            env={"REEF_TESTING": "true", "PATH": "/usr/bin:/bin"},
        )
    return copy


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_is_complete(extracted: Path, code: str) -> None:
    catalogue = polib.pofile(
        str(extracted / "reef" / "locale" / code / "LC_MESSAGES" / "django.po")
    )
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {code}: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {code}: {fuzzy[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_compiled_catalogue_is_shipped(code: str) -> None:
    po = ROOT / "reef" / "locale" / code / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"compile {po} (manage.py compilemessages)"
    translated = {e.msgid for e in polib.pofile(str(po)).translated_entries()}
    compiled = {e.msgid for e in polib.mofile(str(mo)) if e.msgid}
    assert translated == compiled, "the .mo file is older than the .po file: compilemessages"
