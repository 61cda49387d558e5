"""The orjson output of `reef consensus analyze --json` has the content json.dumps gave."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from reef.consultations import opinion
from reef.consultations.consensus_cli import to_json

DATA = Path(__file__).resolve().parent / "data" / "polis"


@pytest.mark.parametrize("name", ["brexit-consensus", "london.youth.policing"])
def test_json_content_equals_json_dumps_on_shipped_conversations(name: str) -> None:
    result = opinion.analyze_folder(DATA / name, seed=42)
    old = json.dumps(result, ensure_ascii=False)  # the writer before orjson
    assert json.loads(to_json(result)) == json.loads(old)


def test_what_orjson_writes_differently_goes_through_json_dumps() -> None:
    big = {"participants": [{"id": 2**70, "x": 0.5}]}
    assert to_json(big) == json.dumps(big, ensure_ascii=False).encode()
    nan = {"statements": [{"id": "é", "gic": math.nan}]}
    assert to_json(nan) == json.dumps(nan, ensure_ascii=False).encode()
    assert json.loads(to_json({"a": np.arange(3)})) == {"a": [0, 1, 2]}
