"""Translations of framework texts as flat files, for translators; merged into framework files.

A flat file is one JSON object: ``{"<slug>|<where>|<field>": "text"}`` where ``<where>`` is

* an item's key (dimension, factor, aspect, pillar or indicator): ``reef-cmm|1.1.a|name``;
* ``stage|<level>`` or ``tier|<number>``: ``reef-cmm|stage|2|name``, ``reef-index|tier|3|name``;
* ``framework``, the framework itself: ``reef-cmm|framework|description``.

``<field>`` is any text field the item has: ``name``, ``text`` (indicators), ``description``,
``guidance``, ``tier_note``... ``extract`` writes the English source file translators start
from; ``merge`` writes a translated file (``es.json``: the language is the file's name) into
each framework file's ``translations`` (the format's optional field, see docs/frameworks.md).
Merging a language replaces that language's translations: the file is the whole truth for it.

    python -m reef.frameworks.translations extract -o source.json
    python -m reef.frameworks.translations check es.json fr.json nl.json
    python -m reef.frameworks.translations merge es.json fr.json nl.json

Pure Python (no Django) so it runs without settings. Frameworks default to the shipped ones
(``reef/frameworks/shipped``); ``--dir`` names another folder of ``<slug>.json`` files.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reef.frameworks import formats

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
# Fields that are structure, not text: never offered for translation.
NOT_TEXT = frozenset({"slug", "version", "kind", "key", "license", "key_scheme", "translations"})


class TranslationError(ValueError):
    """A flat file that cannot be merged; `problems` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Report:
    """What a translated file covers of the source texts."""

    language: str
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    merged: int = 0

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unknown


def _items(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, item) for every translatable item of a framework document, in file order."""
    yield "framework", document
    for stage in document.get("stages", []):
        yield f"stage|{stage['level']}", stage
    for tier in document.get("tiers", []):
        yield f"tier|{tier['tier']}", tier
    for dim in document.get("dimensions", []):
        yield dim["key"], dim
        for fac in dim["factors"]:
            yield fac["key"], fac
            for asp in fac.get("aspects", []):
                yield asp["key"], asp
                for ind in asp["indicators"]:
                    yield ind["key"], ind
            for ind in fac.get("indicators", []):
                yield ind["key"], ind
    for pil in document.get("pillars", []):
        yield pil["key"], pil
        for ind in pil["indicators"]:
            yield ind["key"], ind


def _texts(item: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in item.items():
        if name not in NOT_TEXT and isinstance(value, str) and value.strip():
            yield name, value


def extract(documents: Sequence[dict[str, Any]]) -> dict[str, str]:
    """The flat source file: every text of every framework, as written."""
    out: dict[str, str] = {}
    for document in documents:
        slug = document["slug"]
        for where, item in _items(document):
            for name, value in _texts(item):
                out[f"{slug}|{where}|{name}"] = value
    return out


def check(documents: Sequence[dict[str, Any]], flat: Mapping[str, Any], language: str) -> Report:
    """Which source texts `flat` leaves out (or empty) and which of its entries name no text."""
    source = extract(documents)
    report = Report(language)
    report.missing = [k for k in source if not _given(flat.get(k))]
    report.unknown = [k for k in flat if k not in source]
    return report


def _given(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def merge(documents: Sequence[dict[str, Any]], flat: Mapping[str, Any], language: str) -> Report:
    """Write `flat`'s texts into the documents' `translations[language]`, in place.

    Refused as a whole (nothing changed) when the language code is not one, an entry is not
    a string or names no source text. Entries left empty are left out (the original text
    shows). Every document is validated afterwards.
    """
    if not LANGUAGE.match(language):
        raise TranslationError([f"{language!r} is not a language code such as 'es' or 'pt-br'"])
    report = check(documents, flat, language)
    problems = [f"{k}: no such text in the frameworks" for k in report.unknown]
    problems += [f"{k}: must be a string" for k, v in flat.items() if not isinstance(v, str)]
    if problems:
        raise TranslationError(problems)
    copies = copy.deepcopy(list(documents))
    for document in copies:
        slug = document["slug"]
        for where, item in _items(document):
            texts = {
                name: flat[f"{slug}|{where}|{name}"].strip()
                for name, _value in _texts(item)
                if _given(flat.get(f"{slug}|{where}|{name}"))
            }
            _set(item, language, texts)
            report.merged += len(texts)
        found = formats.validate(document, f"{slug}.json")
        if found:
            raise TranslationError([str(p) for p in found])
    for original, merged in zip(documents, copies, strict=True):
        original.clear()
        original.update(merged)
    return report


def _set(item: dict[str, Any], language: str, texts: dict[str, str]) -> None:
    translations: dict[str, Any] = dict(item.get("translations") or {})
    translations.pop(language, None)
    if texts:
        translations[language] = texts
    translations = dict(sorted(translations.items()))
    if not translations:
        item.pop("translations", None)
        return
    if "translations" in item:
        item["translations"] = translations
        return
    # Next to the texts it translates: before the first list (factors, indicators...).
    entries = list(item.items())
    at = next((n for n, (_k, v) in enumerate(entries) if isinstance(v, list)), len(entries))
    entries.insert(at, ("translations", translations))
    item.clear()
    item.update(entries)


# ---------------------------------------------------------------------------- files


def read_frameworks(folder: Path) -> dict[Path, dict[str, Any]]:
    return {
        path: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))
    }


def write_framework(path: Path, document: Mapping[str, Any]) -> None:
    # The shipped files' own layout: 2-space indent, UTF-8 as is, final newline.
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _language_of(path: Path) -> str:
    return path.name.removesuffix(".json").lower()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reef.frameworks.translations",
        description="Flat translation files of framework texts: extract, check, merge.",
    )
    parser.add_argument("action", choices=["extract", "check", "merge"])
    parser.add_argument("files", nargs="*", type=Path, help="translated files: <language>.json")
    parser.add_argument("--dir", type=Path, default=formats.SHIPPED_DIR, help="framework files")
    parser.add_argument("-o", "--output", type=Path, help="extract: write here, not stdout")
    parser.add_argument(
        "--allow-missing", action="store_true", help="merge: also when texts are untranslated"
    )
    args = parser.parse_args(argv)
    frameworks = read_frameworks(args.dir)
    documents = list(frameworks.values())
    if args.action == "extract":
        text = json.dumps(extract(documents), indent=1, ensure_ascii=False) + "\n"
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    failed = False
    for path in args.files:
        language = _language_of(path)
        try:
            flat = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            failed = True
            continue
        if not isinstance(flat, dict):
            print(f"{path}: must be one JSON object", file=sys.stderr)
            failed = True
            continue
        report = check(documents, flat, language)
        print(f"{path}: {language}: {len(report.missing)} missing, {len(report.unknown)} unknown")
        for key in report.unknown:
            print(f"  unknown: {key}")
        for key in report.missing[:20]:
            print(f"  missing: {key}")
        if args.action == "check":
            failed = failed or not report.complete
            continue
        if report.missing and not args.allow_missing:
            print(f"{path}: not merged (incomplete; --allow-missing merges it)", file=sys.stderr)
            failed = True
            continue
        try:
            merged = merge(documents, flat, language)
        except TranslationError as exc:
            print(f"{path}: not merged:\n{exc}", file=sys.stderr)
            failed = True
            continue
        print(f"{path}: merged {merged.merged} texts")
    if args.action == "merge":
        for path, document in frameworks.items():
            write_framework(path, document)
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
