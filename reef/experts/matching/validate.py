"""Reading and checking the engine's inputs: the error every problem raises, the JSON Schema
of each problem (``reef/experts/schema/<kind>.schema.json``), ids, dates and JSON files.

The schemas describe the shape of an input; what they cannot say (unique ids, pairs naming
known ids, real dates in order, ...) is checked by the problem's reader and reported the
same way, as :class:`reef.core.validation.Problem` items of one :class:`MatchingInputError`.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from pathlib import Path
from typing import Any, NoReturn, cast

import jsonschema
import orjson
from jsonschema import validators

from reef.core.validation import ImportFileError, Problem, load_schema, path_str, schema_problems

Id = str | int
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
#: How messages name an input given as a Python object rather than read from a file.
DATA = "<data>"


class MatchingInputError(ImportFileError):
    """Invalid input. ``path`` names the offending key, e.g. ``reviewers[3].max_load``,
    ``problem`` (the same as ``message``) says what is wrong; ``problems`` lists them all."""

    @property
    def problem(self) -> str:
        return self.message


def fail(filename: str, path: str, message: str) -> NoReturn:
    raise MatchingInputError(filename, path, message)


class Problems:
    """Problems found by the checks a schema cannot express, raised together."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.found.append(Problem(self.filename, path, message))

    def raise_any(self) -> None:
        if self.found:
            raise MatchingInputError.from_problems(self.found)


# --------------------------------------------------------------------------- schemas


def _is_integer(_checker: object, value: object) -> bool:
    # JSON Schema counts 1.0 as an integer; an id, a count or a load of 1.0 is refused.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(_checker: object, value: object) -> bool:
    # NaN and infinities cannot come from a JSON file, but can from a Python caller.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
    {"integer": _is_integer, "number": _is_number}
)
# extend() builds a sibling class of Draft202012Validator (same interface), not a subclass.
_Strict = validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, type_checker=_TYPES
)


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with its local ``$ref``s replaced by the definitions they name, where only
    annotations sit beside them (so the meaning is the same)."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline(value, defs) for key, value in node.items()}
    ref = out.get("$ref", "")
    if ref.startswith("#/$defs/") and set(out) <= {"$ref", "description", "title"}:
        del out["$ref"]
        out = {**_inline(defs[ref.removeprefix("#/$defs/")], defs), **out}
    return out


@cache
def schema_validator(kind: str) -> jsonschema.Draft202012Validator:
    """The validator of ``schema/<kind>.schema.json`` (JSON's integers, finite numbers)."""
    schema = load_schema(SCHEMA_DIR / f"{kind}.schema.json")
    # Resolving a $ref per item is half the time of checking 1,000 experts: inline them.
    flat = _inline(schema, schema.get("$defs", {}))
    return cast(jsonschema.Draft202012Validator, _Strict(flat))


def schema_keys(kind: str, definition: str = "") -> tuple[str, ...]:
    """The keys a problem's schema names at the top level, or in one of its definitions."""
    schema = load_schema(SCHEMA_DIR / f"{kind}.schema.json")
    return tuple((schema["$defs"][definition] if definition else schema)["properties"])


def check(data: Any, kind: str, filename: str) -> None:
    """Raise every place where ``data`` does not follow the problem's schema."""
    problems = schema_problems(data, schema_validator(kind), filename)
    if problems:
        raise MatchingInputError.from_problems(problems)


def _under(parts: list[str | int], problem: Problem) -> Problem:
    """``problem``, found in one item, placed at the item's path in the document."""
    head = path_str(parts)
    inner = problem.path
    if inner:
        head += inner if inner.startswith("[") else f".{inner}"
    return Problem(problem.file, head, problem.message)


@cache
def item_validator(kind: str, key: str) -> jsonschema.Draft202012Validator:
    """The validator of one item of the top-level list ``key``: the slow path of a long list
    (affinities, conflicts), which a fast path only knows holds a bad item somewhere."""
    whole = schema_validator(kind)
    items = cast(dict[str, Any], whole.schema)["properties"][key]["items"]
    return cast(jsonschema.Draft202012Validator, whole.evolve(schema=items))


def check_item(
    item: Any, validator: jsonschema.Draft202012Validator, key: str, i: int, filename: str
) -> None:
    """Raise the schema problems of ``data[key][i]``, placed in the document."""
    problems = schema_problems(item, validator, filename)
    if problems:
        raise MatchingInputError.from_problems([_under([key, i], p) for p in problems])


# --------------------------------------------------------------------------- ids and dates


def index_ids(items: list[Any], key: str, filename: str) -> dict[Id, int]:
    """Position of each item of ``key`` by its id; a repeated id is a problem."""
    index: dict[Id, int] = {}
    problems = Problems(filename)
    for i, item in enumerate(items):
        ident = item["id"]
        if ident in index:
            problems.add(f"{key}[{i}].id", f"duplicate id {ident!r}")
        else:
            index[ident] = i
    problems.raise_any()
    return index


def lookup(index: dict[Id, int], value: Id, path: str, what: str, filename: str) -> int:
    if value not in index:
        fail(filename, path, f"unknown {what} id {value!r}")
    return index[value]


def iso_date(value: str, path: str, problems: Problems) -> dt.date | None:
    """The date, or None after noting that it is not one."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.add(path, "must be an ISO date (YYYY-MM-DD)")
        return None


# --------------------------------------------------------------------------- files


def load_json_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON object from ``path``; problems are reported as MatchingInputError.

    Parsed with orjson (about twice as fast as ``json`` on large affinity files).
    Strict JSON: ``NaN``/``Infinity`` literals are rejected as invalid JSON.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        fail(name, "", f"cannot read the file: {exc.strerror or exc}")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        fail(name, "", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    del raw
    if not isinstance(data, dict):
        fail(name, "", "the top level must be a JSON object")
    return data
