"""Loading, validation, normalisation and dumping of framework files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from reef.frameworks import formats
from reef.frameworks.formats import FrameworkFormatError, dump, load, parse, to_data

EXAMPLES = formats.SHIPPED_DIR.parent / "examples"


def staged_doc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "staged-example.json").read_text())
    return data


def scored_doc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "scored-example.json").read_text())
    return data


def errors_of(doc: Any, filename: str = "f.json") -> list[str]:
    with pytest.raises(FrameworkFormatError) as info:
        parse(doc, filename)
    return [str(p) for p in info.value.problems]


# ------------------------------------------------------------------ happy paths


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(formats.schema())


def test_examples_are_valid() -> None:
    for path in EXAMPLES.glob("*"):
        if path.suffix in (".json", ".yaml", ".yml"):
            load(path)


def test_json_and_yaml_examples_are_the_same_framework() -> None:
    assert load(EXAMPLES / "staged-example.json") == load(EXAMPLES / "staged-example.yaml")


def test_staged_structure() -> None:
    fw = load(EXAMPLES / "staged-example.json")
    assert fw.kind == "staged"
    assert [s.level for s in fw.stages] == [1, 2, 3, 4, 5]
    assert fw.stage_name(3) == "Established"
    assert [a.key for a in fw.aspects] == ["P.1.a", "P.1.b", "S.1"]
    direct = fw.dimensions[1].factors[0]
    # A factor carrying indicators directly is one aspect with the factor's key.
    assert direct.direct and direct.aspects[0].key == "S.1" and direct.aspects[0].implicit
    assert [i.key for i in direct.aspects[0].indicators_at(3)] == ["S.1.3.1", "S.1.3.2"]
    assert fw.dimensions[0].factors[0].extra == {
        "guidance": "Ask for the adopted text and the latest progress report."
    }


def test_scored_structure() -> None:
    fw = load(EXAMPLES / "scored-example.json")
    assert fw.kind == "scored"
    assert [t.tier for t in fw.tiers] == [1, 2, 3]
    assert fw.pillars[0].indicators[1].weight == 2.0
    assert len(list(fw.indicators)) == 5


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("doc_factory", [staged_doc, scored_doc])
def test_round_trip_keeps_everything(fmt: str, doc_factory: Any) -> None:
    doc = doc_factory()
    # Extra fields at every level must survive.
    doc["translations"] = {"es": {"name": "Ejemplo"}}
    if doc["kind"] == "staged":
        doc["stages"][0]["description"] = "nothing yet"
        doc["dimensions"][0]["references"] = ["ref-1"]
        doc["dimensions"][0]["factors"][0]["aspects"][0]["indicators"][0]["guidance"] = {
            "evidence": ["decree"]
        }
        doc["dimensions"][1]["factors"][0]["indicators"][0]["weight_hint"] = 3
    else:
        doc["tiers"][0]["colour"] = "green"
        doc["pillars"][0]["indicators"][0]["references"] = [{"title": "x", "url": "y"}]
    text = dump(parse(doc, "in.json"), fmt)  # type: ignore[arg-type]
    again = load(text, f"out.{fmt}")
    assert to_data(again) == doc
    assert dump(again, fmt) == text  # type: ignore[arg-type]


def test_load_text_without_filename_sniffs_format() -> None:
    doc = staged_doc()
    assert load(json.dumps(doc)) == load(yaml.safe_dump(doc))


def test_load_accepts_a_path_given_as_string() -> None:
    fw = load(str(EXAMPLES / "staged-example.yaml"))
    assert fw.filename == "staged-example.yaml"
    assert fw == load(EXAMPLES / "staged-example.json")


def test_load_bytes_and_bom() -> None:
    raw = b"\xef\xbb\xbf" + json.dumps(scored_doc()).encode()
    assert load(raw, "x.json").slug == "example-scored"


def test_dump_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        dump(load(EXAMPLES / "scored-example.json"), "xml")  # type: ignore[arg-type]


def test_stages_and_tiers_are_normalised_into_order() -> None:
    doc = staged_doc()
    doc["stages"].reverse()
    assert [s.level for s in parse(doc).stages] == [1, 2, 3, 4, 5]
    sdoc = scored_doc()
    sdoc["tiers"].reverse()
    assert [t.tier for t in parse(sdoc).tiers] == [1, 2, 3]


def test_shipped_helpers() -> None:
    assert formats.shipped_slugs() == ["reef-cmm", "reef-index"]
    with pytest.raises(KeyError):
        formats.load_shipped("nope")


# ------------------------------------------------------------------ bad inputs


def test_the_issue_example_message() -> None:
    doc = staged_doc()
    doc["dimensions"][0]["factors"][0]["aspects"][1]["indicators"][3]["stage"] = 7
    with pytest.raises(FrameworkFormatError) as info:
        parse(doc, "reef-cmm.json")
    err = info.value
    assert str(err) == (
        "reef-cmm.json: dimensions[0].factors[0].aspects[1].indicators[3].stage: "
        "must be an integer from 2 to 5"
    )
    assert (err.file, err.path) == (
        "reef-cmm.json",
        "dimensions[0].factors[0].aspects[1].indicators[3].stage",
    )
    assert err.message == "must be an integer from 2 to 5"


def _set(doc: dict[str, Any], path: list[Any], value: Any) -> None:
    target: Any = doc
    for p in path[:-1]:
        target = target[p]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()
IND = ["dimensions", 0, "factors", 0, "aspects", 0, "indicators", 0]

STAGED_CASES = [
    (["slug"], "Bad Slug", "slug: must be a string of lower-case letters, digits and hyphens"),
    (["version"], 1.0, 'version: must be a non-empty string such as "1.0" (quote it in YAML)'),
    (["kind"], "ranked", 'kind: must be "staged" or "scored"'),
    (["name"], "", "name: must be a non-empty string"),
    (["name"], _DELETE, "name: is required"),
    (["dimensions"], _DELETE, "dimensions: is required"),
    (["dimensions"], [], "dimensions: must not be empty"),
    (
        ["stages"],
        [{"level": 1, "name": "x"}],
        "stages: must list exactly five stages, levels 1 to 5",
    ),
    (["stages", 4, "level"], 6, "stages[4].level: must be an integer from 1 to 5"),
    (["stages", 4, "level"], 4, "stages[4].level: duplicate stage level 4"),
    (["dimensions", 0, "key"], "has space", "dimensions[0].key: must be a string of letters"),
    (
        ["dimensions", 0, "factors", 0, "aspects"],
        [],
        "dimensions[0].factors[0].aspects: must not be empty",
    ),
    (
        ["dimensions", 0, "factors", 0, "aspects"],
        _DELETE,
        'dimensions[0].factors[0]: must have exactly one of "aspects" or "indicators"',
    ),
    ([*IND, "stage"], 1, "aspects[0].indicators[0].stage: must be an integer from 2 to 5"),
    ([*IND, "stage"], "2", "must be an integer from 2 to 5"),
    ([*IND, "stage"], True, "must be an integer from 2 to 5"),
    ([*IND, "text"], None, "text: must be a non-empty string"),
    ([*IND, "text"], "   ", "text: must be a non-empty string"),
    ([*IND, "key"], _DELETE, "indicators[0].key: is required"),
    (
        [*IND, "key"],
        "P.1.b",
        "dimensions[0].factors[0].aspects[1].key: duplicate key 'P.1.b' "
        "(already used at dimensions[0].factors[0].aspects[0].indicators[0])",
    ),
    (["dimensions", 1, "key"], "P", "dimensions[1].key: duplicate key 'P'"),
    (
        ["dimensions", 1, "factors", 0, "indicators", 0, "key"],
        "P.1",
        "dimensions[1].factors[0].indicators[0].key: duplicate key 'P.1'",
    ),
    (["tiers"], [], 'tiers: is not allowed in a "staged" framework'),
    (["dimensions", 0, "factors"], "nope", "dimensions[0].factors: must be a list"),
]


@pytest.mark.parametrize(("path", "value", "expected"), STAGED_CASES)
def test_staged_errors_name_file_and_path(path: list[Any], value: Any, expected: str) -> None:
    doc = staged_doc()
    _set(doc, path, value)
    errors = errors_of(doc, "my.json")
    assert all(e.startswith("my.json: ") for e in errors)
    assert any(expected in e for e in errors), errors


def _pind(i: int = 0) -> list[Any]:
    return ["pillars", 0, "indicators", i]


SCORED_CASES = [
    (["pillars"], _DELETE, "pillars: is required"),
    (["pillars", 0, "max"], 0, "pillars[0].max: must be a number greater than 0"),
    ([*_pind(), "points"], -1, "pillars[0].indicators[0].points: must be a number greater than 0"),
    (
        [*_pind(), "weight"],
        "heavy",
        "pillars[0].indicators[0].weight: must be a number greater than 0",
    ),
    ([*_pind(), "weight"], _DELETE, "pillars[0].indicators[0].weight: is required"),
    (["tiers", 0, "min"], -5, "tiers[0].min: must be a number of at least 0"),
    (["tiers", 2, "tier"], 4, "tiers: tier numbers must be 1 to 3 once each; got [1, 2, 4]"),
    (["tiers", 1, "min"], 30.0, "tiers[1].min: must be lower than the cut-off of tier 1 (30.0)"),
    (["tiers", 0, "min"], 41.0, "tiers[0].min: must not exceed the maximum total score (40)"),
    ([*_pind(1), "key"], "technical", "pillars[1].key: duplicate key 'technical'"),
    ([*_pind(1), "key"], "legal.1", "pillars[0].indicators[1].key: duplicate key 'legal.1'"),
    (["stages"], [], 'stages: is not allowed in a "scored" framework'),
]


@pytest.mark.parametrize(("path", "value", "expected"), SCORED_CASES)
def test_scored_errors_name_file_and_path(path: list[Any], value: Any, expected: str) -> None:
    doc = scored_doc()
    _set(doc, path, value)
    errors = errors_of(doc, "idx.yaml")
    assert all(e.startswith("idx.yaml: ") for e in errors)
    assert any(expected in e for e in errors), errors


def test_all_problems_are_collected_in_document_order() -> None:
    doc = staged_doc()
    doc["slug"] = "BAD"
    inds = doc["dimensions"][0]["factors"][0]["aspects"][0]["indicators"]
    inds.extend(
        {"key": f"extra.{n}", "stage": 2, "text": "Something is in place."} for n in range(10)
    )
    inds[11]["stage"] = 9
    inds[2]["stage"] = 0
    with pytest.raises(FrameworkFormatError) as info:
        parse(doc, "f.json")
    paths = [p.path for p in info.value.problems]
    ind = "dimensions[0].factors[0].aspects[0].indicators"
    # numeric order, not string order ([2] before [11])
    assert paths == [f"{ind}[2].stage", f"{ind}[11].stage", "slug"]
    assert info.value.path == f"{ind}[2].stage"


def test_not_a_mapping() -> None:
    assert errors_of([1, 2]) == ["f.json: must be an object (a mapping)"]


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ('{"slug": ', "a.json", "a.json: invalid JSON at line 1 column 10: Expecting value"),
        ("slug: [unclosed", "a.yaml", "a.yaml: invalid YAML at line 1 column 16: expected ','"),
        ('{"slug": "a", "slug": "b"}', "a.json", "a.json: duplicate key 'slug'"),
        (
            "slug: a\nslug: b\n",
            "a.yml",
            "a.yml: invalid YAML at line 2 column 1: duplicate key 'slug'",
        ),
    ],
)
def test_syntax_errors(text: str, filename: str, expected: str) -> None:
    with pytest.raises(FrameworkFormatError) as info:
        load(text, filename)
    assert str(info.value).startswith(expected), str(info.value)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FrameworkFormatError, match=r"^missing\.json: cannot read file"):
        load(tmp_path / "missing.json")
    bad = tmp_path / "latin.yaml"
    bad.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(FrameworkFormatError, match=r"^latin\.yaml: not UTF-8"):
        load(bad)


def test_path_uses_file_name_for_messages(tmp_path: Path) -> None:
    doc = scored_doc()
    doc["pillars"][0]["max"] = -1
    p = tmp_path / "mine.yaml"
    p.write_text(yaml.safe_dump(doc))
    with pytest.raises(FrameworkFormatError) as info:
        load(p)
    assert str(info.value) == "mine.yaml: pillars[0].max: must be a number greater than 0"


def test_validate_returns_empty_list_when_valid() -> None:
    assert formats.validate(staged_doc()) == []
