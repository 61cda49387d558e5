"""Frameworks as data: load, validate, normalise and dump.

Pure Python (no Django import) so it can run in the CLI, in workers and in tests
without settings. A framework file is JSON or YAML; the format is documented by
``schema/framework.schema.json`` (JSON Schema draft 2020-12) and in
``docs/frameworks.md``.

Two kinds:

* ``staged``: dimensions > factors > aspects > indicators, each indicator
  attached to one stage 2..5. A factor may carry ``indicators`` directly; it is
  then treated as a single aspect whose key is the factor's key.
* ``scored``: pillars of weighted indicators, and tiers read from cut-offs.

Validation is the JSON Schema plus semantic checks (unique keys, stages 1..5,
tier order, ...). Every problem is reported as ``file: path: message``, e.g.
``reef-cmm.json: dimensions[2].factors[0].aspects[1].indicators[3].stage: must be
an integer from 2 to 5``. Fields the format does not name are kept in ``extra``
and written back by :func:`dump`, so a round trip loses nothing.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

from reef.core import safeload
from reef.core.validation import ImportFileError, Problem, path_str, schema_problems

SCHEMA_PATH = Path(__file__).parent / "schema" / "framework.schema.json"
SHIPPED_DIR = Path(__file__).parent / "shipped"

Kind = Literal["staged", "scored"]
STAGE_LEVELS = (1, 2, 3, 4, 5)
INDICATOR_STAGES = (2, 3, 4, 5)

__all__ = [
    "Aspect",
    "Dimension",
    "Factor",
    "Framework",
    "FrameworkFormatError",
    "Indicator",
    "Pillar",
    "Problem",
    "Stage",
    "Tier",
    "dump",
    "load",
    "load_shipped",
    "parse",
    "shipped_slugs",
    "to_data",
    "translated",
    "validate",
]


# --------------------------------------------------------------------------- errors


class FrameworkFormatError(ImportFileError):
    """A framework file could not be read or is not a valid framework.

    ``file``, ``path`` and ``message`` describe the first problem; ``problems``
    holds all of them (in document order, schema problems first).
    """


# ----------------------------------------------------------------------- dataclasses
# Frozen so a parsed framework can be shared between threads and cached against;
# ``extra`` keeps the fields Reef does not interpret (guidance, translations...).


@dataclass(frozen=True)
class Stage:
    level: int
    name: str
    extra: dict[str, Any] = field(default_factory=dict, compare=True)


@dataclass(frozen=True)
class Indicator:
    """A yes/no statement. Staged indicators have ``stage``; scored ones ``points``/``weight``."""

    key: str
    text: str
    stage: int | None = None
    points: float | None = None
    weight: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Aspect:
    key: str
    name: str
    indicators: tuple[Indicator, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    # True when the factor carried its indicators directly (no aspects in the file).
    implicit: bool = False

    def indicators_at(self, stage: int) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.stage == stage)


@dataclass(frozen=True)
class Factor:
    key: str
    name: str
    aspects: tuple[Aspect, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def direct(self) -> bool:
        """The factor has no aspects of its own in the file."""
        return len(self.aspects) == 1 and self.aspects[0].implicit


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    factors: tuple[Factor, ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tier:
    tier: int
    name: str
    min: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pillar:
    key: str
    name: str
    max: float
    indicators: tuple[Indicator, ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Framework:
    slug: str
    version: str
    name: str
    kind: Kind
    stages: tuple[Stage, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    tiers: tuple[Tier, ...] = ()
    pillars: tuple[Pillar, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # Where it was read from, for messages; not part of the data.
    filename: str = field(default="", compare=False)
    # Per-framework memo for derived structures (e.g. the scoring engine's
    # index arrays). Frameworks are immutable, so it never goes stale.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The language a translated copy shows (see `translated`); "" for the texts as written.
    language: str = field(default="", compare=False)

    @property
    def factors(self) -> Iterator[Factor]:
        for d in self.dimensions:
            yield from d.factors

    @property
    def aspects(self) -> Iterator[Aspect]:
        for f in self.factors:
            yield from f.aspects

    @property
    def indicators(self) -> Iterator[Indicator]:
        if self.kind == "staged":
            for a in self.aspects:
                yield from a.indicators
        else:
            for p in self.pillars:
                yield from p.indicators

    def stage_name(self, level: int) -> str:
        for s in self.stages:
            if s.level == level:
                return s.name
        raise KeyError(level)


# -------------------------------------------------------------------------- reading


def _detect_format(text: str, filename: str) -> Literal["json", "yaml"]:
    lower = filename.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    # No telling extension: JSON documents start with an object.
    return "json" if text.lstrip().startswith("{") else "yaml"


def _read_text(text: str, filename: str) -> Any:
    # Bounded before anything is built: size, depth, nodes, YAML aliases, numbers.
    try:
        return safeload.load_text(text, _detect_format(text, filename), unique_keys=True)
    except safeload.LoadError as exc:
        raise FrameworkFormatError(filename, "", exc.message) from exc


def load(source: str | bytes | Path, filename: str | None = None) -> Framework:
    """Read and validate a framework.

    ``source`` is a path (a :class:`~pathlib.Path`, or a one-line ``str`` naming
    an existing file) or the document itself as ``str``/``bytes``. ``filename``
    names the document in error messages and picks the format by extension
    (``.json``, ``.yaml``/``.yml``); without one, text starting with ``{`` is
    read as JSON, anything else as YAML.
    """
    # A framework document is never a single line, so a one-line string that
    # names a file can only be a path.
    if isinstance(source, str) and "\n" not in source and not source.lstrip().startswith("{"):
        candidate = Path(source)
        if candidate.is_file():
            source = candidate
    if isinstance(source, Path):
        name = filename or source.name
        try:
            if source.stat().st_size > safeload.DEFAULT_LIMITS.max_bytes:
                raise FrameworkFormatError(
                    name, "", f"too large (at most {safeload.DEFAULT_LIMITS.max_bytes} bytes)"
                )
            raw = source.read_bytes()
        except OSError as exc:
            raise FrameworkFormatError(name, "", f"cannot read file: {exc.strerror}") from exc
    else:
        name = filename or "<text>"
        raw = source.encode() if isinstance(source, str) else source
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkFormatError(name, "", f"not UTF-8 text (byte {exc.start})") from exc
    return parse(_read_text(text, name), name)


# ----------------------------------------------------------------------- validation


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


_path_str = path_str


def _schema_problems(data: Any, filename: str) -> list[Problem]:
    return schema_problems(data, _validator(), filename)


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

    kind = data["kind"]
    if kind == "staged":
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
    else:
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
    return problems


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


# -------------------------------------------------------------------------- parsing


def _extra(obj: Mapping[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in known}


_IND_STAGED = ("key", "stage", "text")
_IND_SCORED = ("key", "points", "weight", "text")


def _staged_indicator(d: Mapping[str, Any]) -> Indicator:
    return Indicator(key=d["key"], text=d["text"], stage=d["stage"], extra=_extra(d, _IND_STAGED))


def parse(data: Any, filename: str = "<data>") -> Framework:
    """Validate a decoded document (dict) and build a :class:`Framework`.

    Raises :class:`FrameworkFormatError` listing every problem found.
    """
    problems = validate(data, filename)
    if problems:
        raise FrameworkFormatError.from_problems(problems)
    top = _extra(
        data, ("slug", "version", "name", "kind", "stages", "dimensions", "tiers", "pillars")
    )
    if data["kind"] == "staged":
        stages = tuple(
            sorted(
                (
                    Stage(s["level"], s["name"], _extra(s, ("level", "name")))
                    for s in data["stages"]
                ),
                key=lambda s: s.level,
            )
        )
        dims = []
        for d in data["dimensions"]:
            factors = []
            for f in d["factors"]:
                if "aspects" in f:
                    aspects = tuple(
                        Aspect(
                            key=a["key"],
                            name=a["name"],
                            indicators=tuple(_staged_indicator(i) for i in a["indicators"]),
                            extra=_extra(a, ("key", "name", "indicators")),
                        )
                        for a in f["aspects"]
                    )
                else:
                    aspects = (
                        Aspect(
                            key=f["key"],
                            name=f["name"],
                            indicators=tuple(_staged_indicator(i) for i in f["indicators"]),
                            implicit=True,
                        ),
                    )
                factors.append(
                    Factor(
                        f["key"],
                        f["name"],
                        aspects,
                        _extra(f, ("key", "name", "aspects", "indicators")),
                    )
                )
            dims.append(
                Dimension(
                    d["key"], d["name"], tuple(factors), _extra(d, ("key", "name", "factors"))
                )
            )
        return Framework(
            slug=data["slug"],
            version=data["version"],
            name=data["name"],
            kind="staged",
            stages=stages,
            dimensions=tuple(dims),
            extra=top,
            filename=filename,
        )
    tiers = tuple(
        sorted(
            (
                Tier(t["tier"], t["name"], t["min"], _extra(t, ("tier", "name", "min")))
                for t in data["tiers"]
            ),
            key=lambda t: t.tier,
        )
    )
    pillars = tuple(
        Pillar(
            key=p["key"],
            name=p["name"],
            max=p["max"],
            indicators=tuple(
                Indicator(
                    key=i["key"],
                    text=i["text"],
                    points=i["points"],
                    weight=i["weight"],
                    extra=_extra(i, _IND_SCORED),
                )
                for i in p["indicators"]
            ),
            extra=_extra(p, ("key", "name", "max", "indicators")),
        )
        for p in data["pillars"]
    )
    return Framework(
        slug=data["slug"],
        version=data["version"],
        name=data["name"],
        kind="scored",
        tiers=tiers,
        pillars=pillars,
        extra=top,
        filename=filename,
    )


# -------------------------------------------------------------------------- dumping


def _indicator_data(i: Indicator) -> dict[str, Any]:
    if i.stage is not None:
        return {"key": i.key, "stage": i.stage, "text": i.text, **i.extra}
    return {"key": i.key, "points": i.points, "weight": i.weight, "text": i.text, **i.extra}


def to_data(fw: Framework) -> dict[str, Any]:
    """The framework as a plain document (known fields first, extra fields kept)."""
    if fw.language:
        # A translated copy would write its translations over the original texts.
        raise ValueError(f"{fw.slug}: a copy translated to {fw.language!r} cannot be dumped")
    out: dict[str, Any] = {"slug": fw.slug, "version": fw.version, "name": fw.name, "kind": fw.kind}
    # Extras go before the long lists so a human reading the file sees them first.
    out.update(fw.extra)
    if fw.kind == "staged":
        out["stages"] = [{"level": s.level, "name": s.name, **s.extra} for s in fw.stages]
        dims = []
        for d in fw.dimensions:
            factors = []
            for f in d.factors:
                fd: dict[str, Any] = {"key": f.key, "name": f.name, **f.extra}
                if f.direct:
                    fd["indicators"] = [_indicator_data(i) for i in f.aspects[0].indicators]
                else:
                    fd["aspects"] = [
                        {
                            "key": a.key,
                            "name": a.name,
                            **a.extra,
                            "indicators": [_indicator_data(i) for i in a.indicators],
                        }
                        for a in f.aspects
                    ]
                factors.append(fd)
            dims.append({"key": d.key, "name": d.name, **d.extra, "factors": factors})
        out["dimensions"] = dims
    else:
        out["tiers"] = [{"tier": t.tier, "name": t.name, "min": t.min, **t.extra} for t in fw.tiers]
        out["pillars"] = [
            {
                "key": p.key,
                "name": p.name,
                "max": p.max,
                **p.extra,
                "indicators": [_indicator_data(i) for i in p.indicators],
            }
            for p in fw.pillars
        ]
    return out


def dump(fw: Framework, fmt: Literal["json", "yaml"] = "json") -> str:
    """Serialise a framework as JSON (2-space indent) or YAML (block style)."""
    data = to_data(fw)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    raise ValueError(f"unknown format {fmt!r}: use 'json' or 'yaml'")


# ------------------------------------------------------------------------- shipped


def shipped_slugs() -> list[str]:
    """Slugs of the frameworks shipped with Reef."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.json"))


def load_shipped(slug: str) -> Framework:
    """Load a framework shipped with Reef (``reef-cmm``, ``reef-index``)."""
    path = SHIPPED_DIR / f"{slug}.json"
    if not path.is_file():
        raise KeyError(f"no shipped framework {slug!r}; have {shipped_slugs()}")
    return load(path)


# --------------------------------------------------------------------- texts by key

Element = Dimension | Factor | Aspect | Pillar | Indicator


def element(fw: Framework, key: str) -> Element | None:
    """The dimension, factor, aspect, pillar or indicator with this key (keys are unique)."""
    for d in fw.dimensions:
        if d.key == key:
            return d
        for f in d.factors:
            if f.key == key:
                return f
            for a in f.aspects:
                if a.key == key and not a.implicit:
                    return a
    for p in fw.pillars:
        if p.key == key:
            return p
    for i in fw.indicators:
        if i.key == key:
            return i
    return None


def _code(language: str) -> str:
    # "pt_BR", "pt-BR" and "pt-br" are one language.
    return language.strip().lower().replace("_", "-")


def _translation(extra: Mapping[str, Any], field: str, language: str) -> str | None:
    """`extra["translations"][language][field]` when it is a non-empty string; "fr-ca"
    falls back to "fr". Language codes match whatever their case."""
    translations = extra.get("translations")
    if not isinstance(translations, Mapping) or not language:
        return None
    by_code = {_code(str(c)): texts for c, texts in translations.items()}
    code = _code(language)
    for candidate in dict.fromkeys((code, code.split("-")[0])):
        texts = by_code.get(candidate)
        if isinstance(texts, Mapping):
            text = texts.get(field)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


def localized(item: Element, field: str, language: str) -> str:
    """`field` ("name" or "text") of `item` in `language` when the framework carries a
    translation (`"translations": {"fr": {"name": ...}}`, the optional field of the
    format), else as written. "fr-ca" falls back to "fr"."""
    original = str(getattr(item, field, "") or "")
    return _translation(item.extra, field, language) or original


# ------------------------------------------------------------------- translated copy


def _extra_in(extra: dict[str, Any], language: str) -> dict[str, Any]:
    # Any string field the file translates is replaced (description, guidance, tier_note...).
    translations = extra.get("translations")
    if not isinstance(translations, Mapping):
        return extra
    out = dict(extra)
    for name, value in extra.items():
        if name != "translations" and isinstance(value, str):
            out[name] = _translation(extra, name, language) or value
    return out


def _has_language(fw: Framework, language: str) -> bool:
    items: list[Any] = [fw, *fw.stages, *fw.tiers, *fw.dimensions, *fw.pillars]
    items += [*fw.factors, *fw.aspects, *fw.indicators]
    for item in items:
        translations = item.extra.get("translations")
        if isinstance(translations, Mapping) and translations:
            codes = {_code(str(c)) for c in translations}
            code = _code(language)
            if code in codes or code.split("-")[0] in codes:
                return True
    return False


def translated(fw: Framework, language: str | None) -> Framework:
    """A copy of `fw` whose names, indicator statements and string fields of `extra`
    (description, guidance, ...) are in `language` wherever the file carries a
    translation (the optional `translations` field of every item), and as written
    elsewhere. Keys, stages, points, weights and cut-offs are the same. `fw` itself when
    there is nothing to translate. A copy is for reading: `to_data` refuses it."""
    if not language or fw.language or not _has_language(fw, language):
        return fw

    def name(item: Any) -> str:
        return _translation(item.extra, "name", language) or str(item.name)

    def indicator(i: Indicator) -> Indicator:
        text = _translation(i.extra, "text", language) or i.text
        return replace(i, text=text, extra=_extra_in(i.extra, language))

    def aspect(a: Aspect, factor: Factor) -> Aspect:
        # An implicit aspect is the factor itself: it shows the factor's name.
        source = factor if a.implicit else a
        return replace(
            a,
            name=name(source),
            indicators=tuple(indicator(i) for i in a.indicators),
            extra=_extra_in(a.extra, language),
        )

    def factor(f: Factor) -> Factor:
        return replace(
            f,
            name=name(f),
            aspects=tuple(aspect(a, f) for a in f.aspects),
            extra=_extra_in(f.extra, language),
        )

    return replace(
        fw,
        name=name(fw),
        stages=tuple(
            replace(s, name=name(s), extra=_extra_in(s.extra, language)) for s in fw.stages
        ),
        dimensions=tuple(
            replace(
                d,
                name=name(d),
                factors=tuple(factor(f) for f in d.factors),
                extra=_extra_in(d.extra, language),
            )
            for d in fw.dimensions
        ),
        tiers=tuple(replace(t, name=name(t), extra=_extra_in(t.extra, language)) for t in fw.tiers),
        pillars=tuple(
            replace(
                p,
                name=name(p),
                indicators=tuple(indicator(i) for i in p.indicators),
                extra=_extra_in(p.extra, language),
            )
            for p in fw.pillars
        ),
        extra=_extra_in(fw.extra, language),
        cache={},
        language=_code(language),
    )
