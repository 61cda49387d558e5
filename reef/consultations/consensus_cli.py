"""`reef consensus analyze FOLDER [--json]`: the analysis of a Polis export folder as a command.

No Django here: `reef` runs this directly (no settings, app registry or system checks to load),
and the `consensus` management command calls the same functions. The JSON is written by orjson
in one pass; json.dumps is kept for what orjson cannot write the same way (integers beyond 64
bits, NaN and infinities).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn


class AnalyzeError(Exception):
    """A clear one-line reason; the command exits non-zero with it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise AnalyzeError(message)  # nothing printed: the Django command words usage errors


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["analyze", "analyse"])
    parser.add_argument("folder", help="comments.csv with votes.csv or participants-votes.csv")
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--replay",
        type=int,
        default=0,
        metavar="STEPS",
        help="replay votes.csv in time order through STEPS incremental updates "
        "(default 0: as many as the conversation's size allows, see docs/opinion.md)",
    )


def analyze(folder: Path, *, seed: int = 0, replay: int = 0) -> dict[str, Any]:
    """opinion.analyze_folder with the command's error messages."""
    from reef.consultations import opinion  # imports SciPy: only once the folder is checked
    from reef.consultations.polis_io import PolisFormatError

    if not folder.is_dir():
        raise AnalyzeError(f"{folder}: not a folder (expected a Polis export folder).")
    try:
        return opinion.analyze_folder(folder, seed=seed, replay_steps=replay)
    except PolisFormatError as exc:
        raise AnalyzeError(f"Bad Polis export: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalyzeError(f"Cannot read {folder}: {exc}") from None


def _all_finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_all_finite(v) for v in value)
    return True


def to_json(result: dict[str, Any]) -> bytes:
    """The analysis as UTF-8 JSON: the same content json.dumps(..., ensure_ascii=False) gives."""
    import orjson

    if _all_finite(result):
        try:
            return orjson.dumps(result, option=orjson.OPT_SERIALIZE_NUMPY)
        except orjson.JSONEncodeError:
            pass  # an id beyond 64 bits
    return json.dumps(result, ensure_ascii=False).encode()


def summary(result: dict[str, Any]) -> list[str]:
    lines = [
        f"{len(result['participants'])} participants, {len(result['statements'])} "
        f"statements, {len(result['groups'])} opinion groups"
    ]
    for g in result["groups"]:
        reps = ", ".join(f"{r['statement']} ({r['direction']})" for r in g["representative"])
        lines.append(f"  group {g['id']}: {g['size']} participants; {reps or '-'}")
    lines.append(
        f"consensus agree: {result['consensus']['agree']}; "
        f"disagree: {result['consensus']['disagree']}"
    )
    return lines


def write(result: dict[str, Any], as_json: bool, out: BinaryIO) -> None:
    if as_json:
        out.write(to_json(result) + b"\n")
    else:
        out.write("".join(line + "\n" for line in summary(result)).encode())
    out.flush()


def main(argv: Sequence[str]) -> int | None:
    """Run `consensus analyze ...` (argv after `reef`). None: arguments only the Django command
    knows (--verbosity, --settings, ...), so the caller runs that instead."""
    parser = _Parser(prog="reef consensus", add_help=False)
    add_arguments(parser)
    try:
        args, rest = parser.parse_known_args(argv[1:])
    except AnalyzeError:
        return None
    if rest:
        return None
    # This process only reads, analyses and exits: pyarrow's malloc pool gives memory back to
    # the system, where its default (mimalloc) would keep ~40 MB through the analysis.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    try:
        result = analyze(Path(args.folder), seed=args.seed, replay=args.replay)
    except AnalyzeError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    write(result, args.json, sys.stdout.buffer)
    return 0
