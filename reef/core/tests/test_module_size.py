"""Files of one purpose: no module over about 500 lines, no function over about 60 without
its reason written beside it (CONTRIBUTING.md, "Where things are")."""

from __future__ import annotations

import ast
from pathlib import Path

REEF = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 520  # "about 500"
MAX_FUNCTION_LINES = 60
REASON = "# Long because"


def _modules() -> list[Path]:
    return sorted(p for p in REEF.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_over_about_500_lines() -> None:
    long = []
    for path in _modules():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_MODULE_LINES:
            long.append(f"{path.relative_to(REEF.parent)}: {n} lines")
    assert not long, "split these along their seams (a package of modules):\n" + "\n".join(long)


def _has_reason(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The reason sits in the comment lines just above the function (or its decorators)."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    i = first - 1
    while i >= 0 and lines[i].strip().startswith("#"):
        if lines[i].strip().startswith(REASON):
            return True
        i -= 1
    return False


def test_long_functions_say_why() -> None:
    unexplained = []
    for path in _modules():
        if "tests" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not _has_reason(lines, node):
                unexplained.append(
                    f"{path.relative_to(REEF.parent)}:{node.lineno} {node.name} ({length} lines)"
                )
    assert not unexplained, (
        f"split these, or write `{REASON} ...` in a comment just above:\n" + "\n".join(unexplained)
    )
