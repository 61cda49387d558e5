"""Whether a decoded document is a valid framework: the JSON Schema, then the checks a
schema cannot express (unique keys, stages 1..5, tier order, ...), every problem as
``file: path: message``."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from reef.core.validation import ImportFileError, Problem, schema_problems
from reef.frameworks.formats.model import STAGE_LEVELS

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "framework.schema.json"


class FrameworkFormatError(ImportFileError):
    """A framework file could not be read or is not a valid framework.

    ``file``, ``path`` and ``message`` describe the first problem; ``problems``
    holds all of them (in document order, schema problems first).
    """


@cache
def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_schema())


def schema() -> dict[str, Any]:
    """The JSON Schema of the format (a copy, safe to modify)."""
    return json.loads(json.dumps(_schema()))  # type: ignore[no-any-return]


def _schema_problems(data: Any, filename: str) -> list[Problem]:
    return schema_problems(data, _validator(), filename)


#: Reports a problem (path, message), or claims a key (key, path) for the document.
_Report = Callable[[str, str], None]


def _semantic_problems(data: dict[str, Any], filename: str) -> list[Problem]:
    problems: list[Problem] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(filename, path, message))

    seen: dict[str, str] = {}

    def claim(key: str, path: str) -> None:
        # Keys are unique across every level so a key alone names one thing.
        if key in seen:
            bad(f"{path}.key", f"duplicate key {key!r} (already used at {seen[key]})")
        else:
            seen[key] = path

    if data["kind"] == "staged":
        _staged_problems(data, bad, claim)
    else:
        _scored_problems(data, bad, claim)
    return problems


def _staged_problems(data: dict[str, Any], bad: _Report, claim: _Report) -> None:
    """A staged framework: no tiers nor pillars, stage levels 1 to 5 once each, and every
    key of its dimensions, factors, aspects and indicators claimed."""
    for other in ("tiers", "pillars"):
        if other in data:
            bad(other, 'is not allowed in a "staged" framework')
    levels = [s["level"] for s in data["stages"]]
    for i, level in enumerate(levels):
        if level in levels[:i]:
            bad(f"stages[{i}].level", f"duplicate stage level {level}")
    missing = [lv for lv in STAGE_LEVELS if lv not in levels]
    if missing:
        bad("stages", "must list stage levels 1 to 5 once each; missing " + str(missing))
    for di, dim in enumerate(data["dimensions"]):
        dpath = f"dimensions[{di}]"
        claim(dim["key"], dpath)
        for fi, fac in enumerate(dim["factors"]):
            fpath = f"{dpath}.factors[{fi}]"
            claim(fac["key"], fpath)
            if "aspects" in fac:
                for ai, asp in enumerate(fac["aspects"]):
                    apath = f"{fpath}.aspects[{ai}]"
                    claim(asp["key"], apath)
                    for ii, ind in enumerate(asp["indicators"]):
                        claim(ind["key"], f"{apath}.indicators[{ii}]")
            else:
                for ii, ind in enumerate(fac["indicators"]):
                    claim(ind["key"], f"{fpath}.indicators[{ii}]")


def _scored_problems(data: dict[str, Any], bad: _Report, claim: _Report) -> None:
    """A scored framework: no stages nor dimensions, tiers 1 to n with falling cut-offs
    within the maximum total, and every key of its pillars and indicators claimed."""
    for other in ("stages", "dimensions"):
        if other in data:
            bad(other, 'is not allowed in a "scored" framework')
    tiers = data["tiers"]
    numbers = [t["tier"] for t in tiers]
    if sorted(numbers) != list(range(1, len(tiers) + 1)):
        bad("tiers", f"tier numbers must be 1 to {len(tiers)} once each; got {numbers}")
    else:
        by_number = sorted(range(len(tiers)), key=lambda i: tiers[i]["tier"])
        for prev, cur in itertools.pairwise(by_number):
            if tiers[cur]["min"] >= tiers[prev]["min"]:
                bad(
                    f"tiers[{cur}].min",
                    f"must be lower than the cut-off of tier {tiers[prev]['tier']} "
                    f"({tiers[prev]['min']}): tier 1 is the best",
                )
    total = sum(p["max"] for p in data["pillars"])
    for ti, t in enumerate(tiers):
        if t["min"] > total:
            bad(f"tiers[{ti}].min", f"must not exceed the maximum total score ({total})")
    for pi, pil in enumerate(data["pillars"]):
        ppath = f"pillars[{pi}]"
        claim(pil["key"], ppath)
        for ii, ind in enumerate(pil["indicators"]):
            claim(ind["key"], f"{ppath}.indicators[{ii}]")


# ``translations`` are checked in Python against the rules of the schema's
# ``$defs/translations`` (same rules, same messages; a test holds them equal):
# jsonschema would take three times as long to read a framework carrying three languages.


def _items_with_paths(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, item) for every item of a document that may carry ``translations``."""

    def each(parent: Any, name: str, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        children = parent.get(name) if isinstance(parent, dict) else None
        if isinstance(children, list):
            for n, child in enumerate(children):
                if isinstance(child, dict):
                    yield (f"{path}.{name}[{n}]" if path else f"{name}[{n}]"), child

    if not isinstance(data, dict):
        return
    yield "", data
    for name in ("stages", "tiers"):
        yield from each(data, name, "")
    for dpath, dim in each(data, "dimensions", ""):
        yield dpath, dim
        for fpath, fac in each(dim, "factors", dpath):
            yield fpath, fac
            for apath, asp in each(fac, "aspects", fpath):
                yield apath, asp
                yield from each(asp, "indicators", apath)
            yield from each(fac, "indicators", fpath)
    for ppath, pil in each(data, "pillars", ""):
        yield ppath, pil
        yield from each(pil, "indicators", ppath)


def _translation_problems(data: Any, filename: str) -> list[Problem]:
    rules = _schema()["$defs"]["translations"]
    code = re.compile(rules["propertyNames"]["pattern"])
    problems: list[Problem] = []
    for path, item in _items_with_paths(data):
        if "translations" not in item:
            continue
        where = f"{path}.translations" if path else "translations"
        translations = item["translations"]
        if not isinstance(translations, dict):
            problems.append(Problem(filename, where, rules["x-messages"]["type"]))
            continue
        if not all(isinstance(c, str) and code.search(c) for c in translations):
            message = rules["propertyNames"]["x-messages"]["pattern"]
            problems.append(Problem(filename, where, message))
        for language, texts in translations.items():
            if not isinstance(texts, dict):
                message = rules["additionalProperties"]["x-messages"]["type"]
                problems.append(Problem(filename, f"{where}.{language}", message))
                continue
            for name, text in texts.items():
                if not isinstance(text, str) or not text.strip():
                    problems.append(
                        Problem(
                            filename, f"{where}.{language}.{name}", "must be a non-empty string"
                        )
                    )
    return problems


def _without_translations(data: Any) -> Any:
    # Shallow copies of the items that carry them: the rest is shared, not copied.
    if not isinstance(data, dict):
        return data
    copies: dict[int, dict[str, Any]] = {}
    for _path, item in _items_with_paths(data):
        if "translations" in item:
            copies[id(item)] = {k: v for k, v in item.items() if k != "translations"}
    if not copies:
        return data

    def rebuild(value: Any) -> Any:
        if isinstance(value, dict):
            value = copies.get(id(value), value)
            return {k: rebuild(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rebuild(v) for v in value]
        return value

    return rebuild(data)


def validate(data: Any, filename: str = "<data>") -> list[Problem]:
    """All problems with a framework document (empty list when valid)."""
    problems = _schema_problems(_without_translations(data), filename)
    problems += _translation_problems(data, filename)
    if problems:
        # Semantic checks assume the shape the schema guarantees.
        return problems
    return _semantic_problems(data, filename)
