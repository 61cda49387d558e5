"""One bounded loader for every importer: JSON and YAML, limits checked before objects exist.

A hostile file must be refused cheaply and with a clear message, never with a
RecursionError, a MemoryError or minutes of work:

- size: the text is measured before parsing;
- nesting depth: JSON is scanned for brackets (strings skipped) before `json.loads`;
  YAML is counted while its node graph is composed, before construction;
- number of nodes: JSON separators are counted before parsing; YAML nodes are counted
  as they expand, so an alias that repeats a large node counts for its whole size
  (the "billion laughs" alias bomb is refused after a few thousand nodes, not 890 MB);
- YAML aliases: a small number at most, never recursive;
- numbers: `1e999999` (infinity), `NaN`, `Infinity` and integers of thousands of digits
  are refused.

Errors are `LoadError`, whose message says where (line and column when known) and
what was expected; each importer wraps it in its own error (file, path, message).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.translation import gettext as _
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node

__all__ = ["Limits", "LoadError", "json_scan", "load_json", "load_text", "load_yaml"]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 1_000_000
    max_aliases: int = 100


DEFAULT_LIMITS = Limits()


class LoadError(ValueError):
    """A document refused before or while parsing: where, and what was expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _as_text(data: str | bytes, limits: Limits) -> str:
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > limits.max_bytes:
        raise LoadError(
            _("the file is too large (%(size)s bytes; at most %(limit)s)")
            % {"size": size, "limit": limits.max_bytes},
        )
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(_("not UTF-8 text (byte %(at)s)") % {"at": exc.start}) from None
    return data


def _at(line: int, column: int) -> str:
    return _("at line %(line)s column %(column)s") % {"line": line, "column": column}


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return _at(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


# ----------------------------------------------------------------------------- JSON

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_STRUCTURE = re.compile(r"[\[\]{},]")


def json_scan(text: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse over-deep or over-large JSON without building anything (strings skipped)."""
    depth = nodes = 0
    # Strings are blanked to the same length, so offsets stay those of the text.
    blanked = _JSON_STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)
    for match in _JSON_STRUCTURE.finditer(blanked):
        char = match.group()
        if char in "[{":
            depth += 1
            nodes += 1
            if depth > limits.max_depth:
                raise LoadError(
                    _("nested too deeply %(where)s (at most %(limit)s levels)")
                    % {"where": _where(text, match.start()), "limit": limits.max_depth}
                )
        elif char == ",":
            nodes += 1
        else:
            depth -= 1
        if nodes > limits.max_nodes:
            raise LoadError(
                _("too many values %(where)s (at most %(limit)s)")
                % {"where": _where(text, match.start()), "limit": limits.max_nodes}
            )


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise LoadError(_("the number %(value)s is out of range") % {"value": literal[:40]})
    return value


def _no_constant(literal: str) -> Any:
    raise LoadError(_("%(value)s is not a JSON number") % {"value": literal})


class DuplicateKeyError(LoadError):
    pass


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKeyError(_("duplicate key %(key)r") % {"key": key})
        result[key] = value
    return result


def load_json(
    data: str | bytes, *, limits: Limits = DEFAULT_LIMITS, unique_keys: bool = False
) -> Any:
    """Parse JSON within `limits`; NaN, Infinity and out-of-range numbers are refused."""
    text = _as_text(data, limits)
    json_scan(text, limits)
    try:
        return json.loads(
            text,
            parse_float=_finite_float,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_object if unique_keys else None,
        )
    except LoadError:
        raise
    except json.JSONDecodeError as exc:
        raise LoadError(
            _("invalid JSON %(where)s: %(error)s")
            % {"where": _at(exc.lineno, exc.colno), "error": exc.msg}
        ) from None
    except (ValueError, RecursionError) as exc:
        # int() of thousands of digits (sys.get_int_max_str_digits), and any deeper limit.
        raise LoadError(_("invalid JSON: %(error)s") % {"error": str(exc)[:120]}) from None


# ----------------------------------------------------------------------------- YAML


def _mark(node_or_event: Any) -> str:
    mark = getattr(node_or_event, "start_mark", None)
    return _at(mark.line + 1, mark.column + 1) if mark is not None else ""


def _yaml_error(where: str, what: str) -> LoadError:
    # The framework importer's wording: "invalid YAML at line 2 column 1: duplicate key 'a'".
    return LoadError(
        _("invalid YAML %(where)s: %(error)s") % {"where": where, "error": what}
        if where
        else _("invalid YAML: %(error)s") % {"error": what}
    )


class BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader that counts depth, expanded nodes and aliases while composing."""

    limits: Limits = DEFAULT_LIMITS
    unique_keys: bool = True

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._aliases = 0
        # Expanded size of each finished node, so an alias counts for what it repeats.
        self._sizes: dict[int, int] = {}

    def _count(self, amount: int, where: Any) -> None:
        self._nodes += amount
        if self._nodes > self.limits.max_nodes:
            raise _yaml_error(
                _mark(where),
                _("too many values (at most %(limit)s)") % {"limit": self.limits.max_nodes},
            )

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                raise _yaml_error(
                    _mark(event),
                    _("too many aliases (at most %(limit)s)") % {"limit": self.limits.max_aliases},
                )
            node = Composer.compose_node(self, parent, index)
            size = self._sizes.get(id(node))
            if size is None:
                raise _yaml_error(_mark(event), _("an alias may not refer to its own parent"))
            self._count(size, event)
            return node
        self._depth += 1
        if self._depth > self.limits.max_depth:
            upcoming = self.peek_event()  # type: ignore[no-untyped-call]
            raise _yaml_error(
                _mark(upcoming),
                _("nested too deeply (at most %(limit)s levels)")
                % {"limit": self.limits.max_depth},
            )
        before = self._nodes
        try:
            node = Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1
        self._count(1, node)
        self._sizes[id(node)] = self._nodes - before
        return node

    def construct_yaml_float(self, node: Node) -> float:
        value: float = super().construct_yaml_float(node)  # type: ignore[arg-type]
        if not math.isfinite(value):
            raise _yaml_error(
                _mark(node),
                _("the number %(value)s is out of range") % {"value": str(node.value)[:40]},
            )
        return value


def _construct_mapping(loader: BoundedSafeLoader, node: MappingNode) -> dict[Any, Any]:
    if not loader.unique_keys:
        return loader.construct_mapping(node, deep=True)
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in result
        except TypeError:
            raise _yaml_error(_mark(key_node), _("a key must be a plain value")) from None
        if duplicate:
            raise _yaml_error(_mark(key_node), _("duplicate key %(key)r") % {"key": key})
        result[key] = loader.construct_object(value_node, deep=True)
    return result


BoundedSafeLoader.add_constructor(
    "tag:yaml.org,2002:float",
    BoundedSafeLoader.construct_yaml_float,
)
BoundedSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_yaml(
    data: str | bytes, *, limits: Limits = DEFAULT_LIMITS, unique_keys: bool = True
) -> Any:
    """Parse one YAML document within `limits` (safe tags only)."""
    text = _as_text(data, limits)
    loader_class = type(
        "Loader", (BoundedSafeLoader,), {"limits": limits, "unique_keys": unique_keys}
    )
    loader = None
    try:
        # The reader refuses control characters as the loader is made: inside the try.
        loader = loader_class(text)
        return loader.get_single_data()
    except LoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _at(mark.line + 1, mark.column + 1) if mark else ""
        raise _yaml_error(where, exc.problem or exc.context or "syntax error") from None
    except yaml.YAMLError as exc:
        raise _yaml_error("", str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise _yaml_error("", str(exc)[:120]) from None
    finally:
        if loader is not None:
            loader.dispose()


def load_text(
    data: str | bytes, fmt: str, *, limits: Limits = DEFAULT_LIMITS, unique_keys: bool = True
) -> Any:
    """`load_json` or `load_yaml` by format name ("json" or "yaml")."""
    if fmt == "json":
        return load_json(data, limits=limits, unique_keys=unique_keys)
    return load_yaml(data, limits=limits, unique_keys=unique_keys)
