"""No import circle between Reef's modules, and the import contracts of pyproject.toml hold.

The graph is grimp's (the library under import-linter): every import of a `reef` module by
another, at module level or inside a function; tests and migrations are left out, and so
are imports under `if TYPE_CHECKING:` (they never run). Modules that import each other,
directly or through others, form a circle: move what they share to a third module that
both import, or pass a callable. The contracts (`[tool.importlinter]` in pyproject.toml:
the layers of docs/architecture.md, Django-free computation modules) are checked as
`lint-imports` checks them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"

#: Circles that exist today and are on their way out: this list only shrinks.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()  # none left; keep it so


def _left_out(module: str) -> bool:
    return bool({"tests", "migrations"} & set(module.split(".")))


@cache
def reef_imports() -> dict[str, frozenset[str]]:
    """Each module of `reef` (tests and migrations left out) -> the `reef` modules it imports."""
    graph = grimp.build_graph("reef", exclude_type_checking_imports=True, cache_dir=None)
    modules = {m for m in graph.modules if not _left_out(m)}
    return {
        m: frozenset(graph.find_modules_directly_imported_by(m) & modules) for m in sorted(modules)
    }


def strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """The strongly connected components of a directed graph (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges.get(target, ()))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def import_cycles(edges: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """The groups of modules that import each other (components of more than one module)."""
    return [c for c in strongly_connected(edges) if len(c) > 1]


def cycle_text(edges: Mapping[str, Iterable[str]], cycle: set[str]) -> str:
    lines = [f"- {', '.join(sorted(cycle))}:"]
    for module in sorted(cycle):
        inside = sorted(set(edges.get(module, ())) & cycle)
        lines.append(f"    {module} imports {', '.join(inside)}")
    return "\n".join(lines)


def test_no_import_cycle_between_modules() -> None:
    edges = reef_imports()
    cycles = [c for c in import_cycles(edges) if frozenset(c) not in KNOWN_CYCLES]
    assert not cycles, "modules that import each other, directly or through others:\n" + (
        "\n".join(cycle_text(edges, c) for c in cycles)
    )


def test_known_cycles_are_still_cycles() -> None:
    """A circle once removed leaves KNOWN_CYCLES, so that it cannot come back unnoticed."""
    found = {frozenset(c) for c in import_cycles(reef_imports())}
    gone = sorted(sorted(c) for c in KNOWN_CYCLES if c not in found)
    assert not gone, f"no longer circles: take them out of KNOWN_CYCLES: {gone}"


def test_strongly_connected_components() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a", "e"], "e": ["d"], "f": ["f"]}
    assert sorted(sorted(c) for c in import_cycles(edges)) == [["a", "b", "c"], ["d", "e"]]
    assert sorted(sorted(c) for c in strongly_connected(edges))[-1] == ["f"]


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    """`lint-imports` over pyproject.toml's `[tool.importlinter]`."""
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert exit_code == 0, capsys.readouterr().out
