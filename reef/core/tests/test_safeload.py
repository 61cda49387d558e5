"""The bounded loader behind every importer (issue 13, items 14 and 16)."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from reef.core.safeload import Limits, LoadError, load_json, load_yaml

ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_alias_bomb_is_refused_fast_and_small() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(LoadError, match="too many values"):
        load_yaml(ALIAS_BOMB)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2
    assert peak < 20 * 1024 * 1024


def test_yaml_aliases_are_counted_and_recursive_ones_refused() -> None:
    doc = "base: &x {a: 1}\n" + "".join(f"k{i}: *x\n" for i in range(5))
    assert load_yaml(doc)["k4"] == {"a": 1}
    with pytest.raises(LoadError, match="too many aliases"):
        load_yaml(doc, limits=Limits(max_aliases=3))
    with pytest.raises(LoadError, match="its own parent"):
        load_yaml("a: &x [1, *x]\n")


@pytest.mark.parametrize("depth", [65, 5000, 100_000])
def test_deep_json_is_refused_without_recursion_error(depth: int) -> None:
    with pytest.raises(LoadError, match="nested too deeply at line 1 column 65"):
        load_json("[" * depth + "]" * depth)


@pytest.mark.parametrize("depth", [65, 5000])
def test_deep_yaml_is_refused_without_recursion_error(depth: int) -> None:
    with pytest.raises(LoadError, match="nested too deeply"):
        load_yaml("[" * depth + "]" * depth)
    levels = min(depth, 500)
    block = "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * levels + "x\n"
    with pytest.raises(LoadError, match="nested too deeply"):
        load_yaml(block)


def test_brackets_inside_strings_do_not_count() -> None:
    assert load_json('{"a": "' + "[" * 500 + '"}') == {"a": "[" * 500}


@pytest.mark.parametrize(
    "text", ["1e999999", "[-1e999999]", '{"a": NaN}', '{"a": Infinity}', "[-Infinity]"]
)
def test_non_finite_json_numbers_are_refused(text: str) -> None:
    with pytest.raises(LoadError, match=r"out of range|not a JSON number"):
        load_json(text)


def test_huge_integers_are_refused() -> None:
    with pytest.raises(LoadError, match="invalid JSON"):
        load_json("9" * 5000)
    with pytest.raises(LoadError, match="invalid YAML"):
        load_yaml("a: " + "9" * 5000)


@pytest.mark.parametrize("text", ["a: .inf", "a: -.inf", "a: .nan", "a: 1.0e+999999"])
def test_non_finite_yaml_numbers_are_refused(text: str) -> None:
    with pytest.raises(LoadError, match="out of range"):
        load_yaml(text)


def test_size_and_node_limits() -> None:
    with pytest.raises(LoadError, match="too large"):
        load_json(b"[" + b"1," * 100 + b"1]", limits=Limits(max_bytes=50))
    with pytest.raises(LoadError, match="too many values"):
        load_json("[" + "1," * 100 + "1]", limits=Limits(max_nodes=50))
    with pytest.raises(LoadError, match="too many values"):
        load_yaml("[" + "1," * 100 + "1]", limits=Limits(max_nodes=50))


def test_syntax_errors_say_where() -> None:
    with pytest.raises(LoadError, match="invalid JSON at line 2 column 1"):
        load_json('{"a":\n}')
    with pytest.raises(LoadError, match="invalid YAML at line 2 column 1: duplicate key 'a'"):
        load_yaml("a: 1\na: 2\n")
    with pytest.raises(LoadError, match="duplicate key 'a'"):
        load_json('{"a": 1, "a": 2}', unique_keys=True)
    with pytest.raises(LoadError, match="not UTF-8"):
        load_json(b'{"a": "caf\xe9"}')


def test_unsafe_yaml_tags_are_refused() -> None:
    with pytest.raises(LoadError, match="invalid YAML"):
        load_yaml("!!python/object/apply:os.system ['true']")


def test_ordinary_documents_load() -> None:
    assert load_json('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    assert load_yaml("a: [1, 2.5, x, null, true]\nb: {c: d}\n") == {
        "a": [1, 2.5, "x", None, True],
        "b": {"c": "d"},
    }


def test_control_characters_in_yaml_are_a_load_error() -> None:
    with pytest.raises(LoadError, match="invalid YAML"):
        load_yaml("a: \x1f")
