"""docs/architecture.md's table of which app imports which is the code's.

Imports are read from the source (tests and migrations left out): "module level" are
imports at the top of a module (including `if TYPE_CHECKING:`), "inside functions only"
the app pairs that only import each other inside a function, which is how the few
two-way dependencies avoid an import cycle. When this fails, paste the printed table.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from reef.apps_list import REEF_APPS

REEF = Path(__file__).resolve().parents[2]
DOC = REEF.parent / "docs" / "architecture.md"


def _imported_apps(node: ast.AST, names: set[str]) -> set[str]:
    modules: list[str] = []
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        modules = [f"reef.{a.name}" for a in node.names] if node.module == "reef" else [node.module]
    elif isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
    found = set()
    for module in modules:
        parts = module.split(".")
        if parts[0] == "reef" and len(parts) > 1 and parts[1] in names:
            found.add(parts[1])
    return found


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level imports, imports inside functions only) per app."""
    names = {app.name for app in REEF_APPS}
    top: dict[str, set[str]] = defaultdict(set)
    inner: dict[str, set[str]] = defaultdict(set)
    for app in names:
        for path in (REEF / app).rglob("*.py"):
            if {"tests", "migrations"} & set(path.relative_to(REEF).parts):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            module_level = {id(n) for n in tree.body}
            for stmt in tree.body:
                if isinstance(stmt, ast.If):
                    module_level |= {id(n) for n in ast.walk(stmt)}
            for node in ast.walk(tree):
                found = _imported_apps(node, names) - {app}
                (top if id(node) in module_level else inner)[app] |= found
    return top, {app: inner[app] - top[app] for app in inner}


def table() -> str:
    top, inner = import_graph()
    lines = [
        "| app | imports at module level | imports inside functions only |",
        "|---|---|---|",
    ]
    for app in REEF_APPS:
        first = ", ".join(f"`{a}`" for a in sorted(top.get(app.name, ()))) or "none"
        later = ", ".join(f"`{a}`" for a in sorted(inner.get(app.name, ()))) or ""
        lines.append(f"| `{app.name}` | {first} | {later} |")
    return "\n".join(lines) + "\n"


def test_the_documented_import_graph_is_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text.split("<!-- imports:begin -->\n")[1].split("<!-- imports:end -->")[0]
    assert documented == table(), "docs/architecture.md is out of date; its table:\n" + table()
