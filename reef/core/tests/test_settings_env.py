"""Settings read from the environment: defaults, and a bad value stops the process naming it.

Each case runs reef/settings.py afresh in its own namespace (the loaded settings stay as
they are), with no REEF_* variable set but those the case gives.
"""

from __future__ import annotations

import os
import re
import runpy
from pathlib import Path
from typing import Any

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "settings.py"


def fresh_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in list(os.environ):
        if name.startswith("REEF_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REEF_TESTING", "true")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    values = fresh_settings(monkeypatch)
    assert values["REEF_REVIEW_MIN_WORKING_DAYS"] == 10
    assert values["REEF_OPEN_DATA_LICENCE"] == "CC-BY-4.0"
    assert values["REEF_OPEN_DATA_LICENCE_NAME"] == "Creative Commons Attribution 4.0"
    assert values["REEF_OPEN_DATA_LICENCE_URL"] == "https://creativecommons.org/licenses/by/4.0/"
    assert values["REEF_HOST"] == "127.0.0.1"
    assert values["REEF_WORKERS"] == 0
    assert values["REEF_MAX_REQUESTS"] == 5000
    assert values["REEF_CLI_USER"] == ""
    assert values["REEF_CHROMIUM"] == "/usr/bin/chromium"


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    values = fresh_settings(
        monkeypatch,
        REEF_REVIEW_MIN_WORKING_DAYS="15",
        REEF_OPEN_DATA_LICENCE="ODbL-1.0",
        REEF_OPEN_DATA_LICENCE_NAME="Open Database License 1.0",
        REEF_OPEN_DATA_LICENCE_URL="https://opendatacommons.org/licenses/odbl/1-0/",
        REEF_HOST="0.0.0.0",  # noqa: S104  (a value under test, nothing binds)
        REEF_WORKERS="3",
        REEF_MAX_REQUESTS="0",
        REEF_CLI_USER="someone@test.reef",
    )
    assert values["REEF_REVIEW_MIN_WORKING_DAYS"] == 15
    assert values["REEF_OPEN_DATA_LICENCE"] == "ODbL-1.0"
    assert values["REEF_OPEN_DATA_LICENCE_NAME"] == "Open Database License 1.0"
    assert values["REEF_OPEN_DATA_LICENCE_URL"].startswith("https://opendatacommons.org/")
    assert values["REEF_HOST"] == "0.0.0.0"  # noqa: S104
    assert (values["REEF_WORKERS"], values["REEF_MAX_REQUESTS"]) == (3, 0)
    assert values["REEF_CLI_USER"] == "someone@test.reef"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REEF_REVIEW_MIN_WORKING_DAYS", "0"),
        ("REEF_REVIEW_MIN_WORKING_DAYS", "ten"),
        ("REEF_MAX_REQUESTS", "-1"),
        ("REEF_MAX_REQUESTS", "many"),
        ("REEF_WORKERS", "two"),
    ],
)
def test_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    # SettingsError is defined afresh by the run: match its base class.
    with pytest.raises(RuntimeError, match=name):
        fresh_settings(monkeypatch, **{name: value})


def test_every_variable_is_in_the_readme() -> None:
    names = set(re.findall(r'"(REEF_[A-Z_]+)"', SETTINGS.read_text()))
    readme = (SETTINGS.parents[1] / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"REEF_* settings missing from the README's table: {missing}"
