"""One way to validate every import file: JSON Schema files shipped with the code, one error format.

Every importer (framework, assessment, plan, matching problem, Polis export) reports what is
wrong with a file the same way: a list of :class:`Problem` (the file, where in it, what was
expected), raised together as an :class:`ImportFileError` (each importer's own error class
is a subclass, so callers can catch either). "Where" is a JSON path (``dimensions[2].key``)
for structured files and ``line N`` or ``line N, column C`` for CSV files.

The shape of a structured file is a JSON Schema (Draft 2020-12) kept beside the code that
reads it, in the app's ``schema/`` folder, so it can be read, published and checked by other
tools; checks a schema cannot express (cross references, duplicates) stay in the importer
and produce the same :class:`Problem`. A schema may give its own message for a keyword with
``"x-messages": {"<keyword>": "..."}``.

Django-free: loaders, the CLI and pure modules use it without settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import jsonschema

__all__ = [
    "ImportFileError",
    "Problem",
    "check",
    "line_where",
    "load_schema",
    "path_str",
    "schema_problems",
    "validator",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file: which file, where in it, what was expected."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "path": self.path, "message": self.message}


class ImportFileError(ValueError):
    """An import file that could not be read or is not valid.

    ``file``, ``path`` and ``message`` describe the first problem; ``problems`` holds all
    of them, in document order. ``str()`` gives one line per problem.
    """

    def __init__(
        self, file: str, path: str, message: str, problems: Sequence[Problem] = ()
    ) -> None:
        self.file = file
        self.path = path
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems) or (Problem(file, path, message),)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def from_problems(cls, problems: Sequence[Problem]) -> Self:
        first = problems[0]
        return cls(first.file, first.path, first.message, problems)


def path_str(parts: Iterable[str | int]) -> str:
    """``["dimensions", 2, "key"]`` -> ``dimensions[2].key`` (empty for the document)."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += f".{p}" if out else p
    return out


def line_where(line: int, column: str | None = None) -> str:
    """Where a problem is in a CSV file, as :attr:`Problem.path` says it."""
    return f"line {line}, column {column}" if column else f"line {line}"


@cache
def load_schema(path: Path) -> dict[str, Any]:
    import jsonschema  # here, not above: commands that read no JSON file do not pay for it

    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


@cache
def validator(path: Path) -> jsonschema.Draft202012Validator:
    """The (cached) validator of a schema file."""
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema(path))


_TYPE_WORDS = {
    "object": "an object (a mapping)",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty (null)",
}


def _message(err: jsonschema.ValidationError) -> tuple[list[str | int], str]:
    """Plain-language message and path for one schema error."""
    path: list[str | int] = list(err.absolute_path)
    sub = err.schema if isinstance(err.schema, Mapping) else {}
    keyword = str(err.validator)
    custom = sub.get("x-messages", {}).get(keyword)
    if keyword == "required":
        # Point at the missing key itself, which is what the user has to add.
        missing = str(err.message).split("'")[1] if "'" in err.message else "?"
        return [*path, missing], "is required"
    if custom:
        return path, str(custom)
    v: Any = err.validator_value
    match keyword:
        case "type":
            names = [str(n) for n in (v if isinstance(v, list) else [v])]
            return path, "must be " + " or ".join(_TYPE_WORDS.get(n, n) for n in names)
        case "minItems":
            return path, "must not be empty" if v == 1 else f"must have at least {v} items"
        case "maxItems":
            return path, f"must have at most {v} items"
        case "minLength":
            return path, "must not be empty" if v == 1 else f"must have at least {v} characters"
        case "maxLength":
            return path, f"must have at most {v} characters"
        case "enum":
            return path, "must be one of " + ", ".join(json.dumps(x) for x in v)
        case "const":
            return path, f"must be {json.dumps(v)}"
        case "minimum":
            return path, f"must be at least {v}"
        case "maximum":
            return path, f"must be at most {v}"
        case "exclusiveMinimum":
            return path, f"must be greater than {v}"
        case "exclusiveMaximum":
            return path, f"must be less than {v}"
        case "additionalProperties":
            return path, f"has an unknown key ({err.message.split('(')[-1].rstrip(')')})"
        case "pattern":
            return path, f"must match {v}"
        case _:
            return path, str(err.message)


def _order(err: jsonschema.ValidationError) -> list[tuple[int, int | str]]:
    return [(0, p) if isinstance(p, int) else (1, p) for p in err.absolute_path]


def schema_problems(
    data: Any, schema: Path | jsonschema.Draft202012Validator, filename: str
) -> list[Problem]:
    """Every place where ``data`` does not follow the schema, in document order."""
    check_ = validator(schema) if isinstance(schema, Path) else schema
    problems: list[Problem] = []
    for err in sorted(check_.iter_errors(data), key=_order):
        # if/then/allOf wrappers repeat the inner errors; only report the leaves.
        if err.validator in ("if", "then", "allOf"):
            continue
        path, message = _message(err)
        problems.append(Problem(filename, path_str(path), message))
    # The same message at the same place can come from several branches.
    seen: set[tuple[str, str]] = set()
    unique = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            unique.append(p)
    return unique


def check(
    data: Any,
    schema: Path | jsonschema.Draft202012Validator,
    filename: str,
    error: type[ImportFileError] = ImportFileError,
) -> None:
    """Raise ``error`` listing every schema problem of ``data`` (nothing when it is valid)."""
    problems = schema_problems(data, schema, filename)
    if problems:
        raise error.from_problems(problems)
