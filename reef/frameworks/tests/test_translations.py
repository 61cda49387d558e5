"""Framework texts in the reader's language: the format's `translations`, the translated copy,
the flat-file tool and the pages that show framework texts."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from reef.accounts.models import User
from reef.core.errors import ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.core.validation import path_str
from reef.frameworks import formats, selectors, services
from reef.frameworks import translations as flat
from reef.frameworks.models import Framework

EXAMPLE = formats.SHIPPED_DIR.parent / "examples" / "staged-example.json"


def spanish_example() -> dict[str, Any]:
    """The staged example with Spanish for some texts (the others fall back to English)."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["translations"] = {"es": {"name": "Pequeño ejemplo escalonado"}}
    names = ("Inicial", "Formativa", "Establecida", "Estratégica")
    for stage, name in zip(data["stages"][:4], names, strict=True):
        stage["translations"] = {"es": {"name": name}}
    policy, society = data["dimensions"]
    policy["translations"] = {"es": {"name": "Política"}}
    strategy = policy["factors"][0]
    strategy["translations"] = {
        "es": {"name": "Estrategia nacional", "guidance": "Pida el texto adoptado."}
    }
    development = strategy["aspects"][0]
    development["translations"] = {"es": {"name": "Desarrollo"}}
    development["indicators"][0]["translations"] = {"es": {"text": "Un organismo tiene mandato."}}
    adopted = {"ES": {"text": "El gabinete adoptó la estrategia."}}  # codes match in any case
    development["indicators"][1]["translations"] = adopted
    society["factors"][0]["translations"] = {"es": {"name": "Mecanismos de denuncia"}}
    return data


def _as(user: User, language: str) -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


# ----------------------------------------------------------------------- the format


def test_translated_copy_replaces_texts_and_keeps_keys() -> None:
    fw = formats.parse(spanish_example())
    es = formats.translated(fw, "es")
    assert es.language == "es" and fw.language == ""
    assert es.name == "Pequeño ejemplo escalonado"
    assert [s.name for s in es.stages] == [
        "Inicial",
        "Formativa",
        "Establecida",
        "Estratégica",
        "Dynamic",  # no translation: as written
    ]
    assert [d.name for d in es.dimensions] == ["Política", "Society"]
    strategy = es.dimensions[0].factors[0]
    assert strategy.name == "Estrategia nacional"
    assert strategy.extra["guidance"] == "Pida el texto adoptado."
    assert [a.name for a in strategy.aspects] == ["Desarrollo", "Review"]
    texts = selectors.indicator_texts(es)
    assert texts["P.1.a.2.1"] == "Un organismo tiene mandato."
    assert texts["P.1.a.3.1"] == "El gabinete adoptó la estrategia."  # "ES" is "es"
    assert texts["P.1.b.2.1"] == "A date for the first review of the strategy has been set."
    # A factor without aspects: its implicit aspect shows the factor's name.
    assert es.dimensions[1].factors[0].aspects[0].name == "Mecanismos de denuncia"
    # Keys, stages and structure are the original's.
    assert [i.key for i in es.indicators] == [i.key for i in fw.indicators]
    assert [i.stage for i in es.indicators] == [i.stage for i in fw.indicators]
    assert fw.dimensions[0].name == "Policy"  # the original is untouched
    # A regional variant reads its base language; a language the file lacks gets the original.
    assert formats.translated(fw, "es-MX").dimensions[0].name == "Política"
    assert formats.translated(fw, "nl") is fw
    assert formats.translated(fw, "") is fw
    assert formats.translated(fw, "fr").dimensions[0].factors[0].aspects[1].name == "Revue"
    with pytest.raises(ValueError, match="cannot be dumped"):
        formats.to_data(es)


def test_scored_framework_translates_tiers_pillars_and_notes() -> None:
    shipped = formats.to_data(formats.load_shipped("reef-index"))
    data = copy.deepcopy(formats._without_translations(shipped))
    data["translations"] = {"fr": {"tier_note": "Les seuils sont les nôtres."}}
    data["tiers"][0]["translations"] = {"fr": {"name": "Exemplaire"}}
    data["pillars"][0]["translations"] = {"fr": {"name": "Juridique", "description": "Lois."}}
    data["pillars"][0]["indicators"][0]["translations"] = {"fr": {"text": "Infractions."}}
    fr = formats.translated(formats.parse(data), "fr")
    assert fr.extra["tier_note"] == "Les seuils sont les nôtres."
    assert fr.tiers[0].name == "Exemplaire" and fr.tiers[1].name == "Advancing"
    assert fr.tiers[0].min == 95.0
    assert (fr.pillars[0].name, fr.pillars[0].extra["description"]) == ("Juridique", "Lois.")
    assert fr.pillars[0].indicators[0].text == "Infractions."
    assert fr.pillars[1].name == "Technical"


@pytest.mark.parametrize(
    ("translations", "where", "message"),
    [
        ("Política", "dimensions[0].translations", "must map language codes"),
        ({"es": "Política"}, "dimensions[0].translations.es", "must map field names"),
        ({"es": {"name": ""}}, "dimensions[0].translations.es.name", "non-empty string"),
        ({"es": {"description": 3}}, "dimensions[0].translations.es.description", "string"),
        ({"spanish!": {"name": "x"}}, "dimensions[0].translations", "language codes must"),
    ],
)
def test_schema_checks_translations(translations: Any, where: str, message: str) -> None:
    data = spanish_example()
    data["dimensions"][0]["translations"] = translations
    problems = formats.validate(data, "x.json")
    assert any(p.path == where and message in p.message for p in problems), problems
    # Reef checks translations in Python (faster): the schema itself finds the same error.
    validator = jsonschema.Draft202012Validator(formats.schema())
    found = {path_str(list(e.absolute_path)) for e in validator.iter_errors(data)}
    assert where in found
    for item in (data["dimensions"][0]["factors"][0]["aspects"][0]["indicators"][0], data):
        item["translations"] = translations  # deeper and at the top: the same
        paths = {p.path for p in formats.validate(data, "x.json")}
        found = {path_str(list(e.absolute_path)) for e in validator.iter_errors(data)}
        assert paths == found


def test_schema_documents_translations() -> None:
    schema = formats.schema()
    assert "translations" in schema["$defs"]
    for item in ("stage", "dimension", "factor", "aspect", "stagedIndicator", "tier", "pillar"):
        assert schema["$defs"][item]["properties"]["translations"] == {
            "$ref": "#/$defs/translations"
        }
    assert formats.validate(spanish_example()) == []
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(spanish_example()))


# ------------------------------------------------------------------ the flat-file tool


def _shipped_copies(tmp_path: Path) -> Path:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    for path in formats.SHIPPED_DIR.glob("*.json"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_extract_names_every_text_of_the_shipped_frameworks(tmp_path: Path) -> None:
    documents = list(flat.read_frameworks(formats.SHIPPED_DIR).values())
    source = flat.extract(documents)
    cmm = formats.load_shipped("reef-cmm")
    assert source["reef-cmm|framework|name"] == cmm.name
    assert source["reef-cmm|stage|2|name"] == "Formative"
    assert source["reef-index|tier|3|name"] == "Establishing"
    assert source["reef-cmm|1.1|guidance"].startswith("Ask for the adopted strategy")
    for item in cmm.indicators:
        assert source[f"reef-cmm|{item.key}|text"] == item.text
    assert not any(k.endswith(("|key_scheme", "|license", "|slug")) for k in source)


def test_merge_writes_translations_and_refuses_unknown_texts(tmp_path: Path) -> None:
    folder = _shipped_copies(tmp_path)
    documents = list(flat.read_frameworks(folder).values())
    source = flat.extract(documents)
    spanish = {k: f"ES {v}" for k, v in source.items()}
    spanish["reef-cmm|1.1.a|name"] = "Desarrollo de la estrategia"
    spanish["reef-cmm|1.1.a.2.2|text"] = ""  # left untranslated: shows as written
    (tmp_path / "es.json").write_text(json.dumps(spanish), encoding="utf-8")
    assert flat.main(["merge", str(tmp_path / "es.json"), "--dir", str(folder)]) == 1
    assert (folder / "reef-cmm.json").read_text() == (
        formats.SHIPPED_DIR / "reef-cmm.json"
    ).read_text()  # incomplete: nothing written
    assert (
        flat.main(["merge", str(tmp_path / "es.json"), "--dir", str(folder), "--allow-missing"])
        == 0
    )
    cmm = formats.load(folder / "reef-cmm.json")
    es = formats.translated(cmm, "es")
    assert next(a for a in es.aspects if a.key == "1.1.a").name == "Desarrollo de la estrategia"
    assert es.stages[1].name == "ES Formative"
    assert es.stages[1].extra["description"].startswith("ES First features")
    assert selectors.indicator_texts(es)["1.1.a.2.2"] == selectors.indicator_texts(cmm)["1.1.a.2.2"]
    index = formats.translated(formats.load(folder / "reef-index.json"), "es")
    assert index.tiers[2].name == "ES Establishing"
    assert index.extra["tier_note"].startswith("ES The tier cut-offs")
    # Merging again replaces the language (a text dropped from the file goes).
    del spanish["reef-cmm|1.1.a|name"]
    (tmp_path / "es.json").write_text(json.dumps(spanish), encoding="utf-8")
    flat.main(["merge", str(tmp_path / "es.json"), "--dir", str(folder), "--allow-missing"])
    again = formats.translated(formats.load(folder / "reef-cmm.json"), "es")
    assert next(a for a in again.aspects if a.key == "1.1.a").name == "Strategy Development"
    # Content is untouched: only translations were added.
    assert services._content(formats.to_data(formats.load(folder / "reef-cmm.json"))) == (
        services._content(formats.to_data(formats.load_shipped("reef-cmm")))
    )
    # Unknown texts and non-strings refuse the whole file.
    with pytest.raises(flat.TranslationError) as refused:
        flat.merge(documents, {"reef-cmm|9.9|name": "x", "reef-cmm|D1|name": 3}, "es")
    assert "reef-cmm|9.9|name: no such text" in str(refused.value)
    assert "reef-cmm|D1|name: must be a string" in str(refused.value)
    with pytest.raises(flat.TranslationError, match="not a language code"):
        flat.merge(documents, {}, "Spanish")


def test_check_reports_missing_and_unknown(tmp_path: Path) -> None:
    documents = list(flat.read_frameworks(formats.SHIPPED_DIR).values())
    source = flat.extract(documents)
    partial = dict(list(source.items())[:-2])
    partial["reef-cmm|nope|name"] = "?"
    report = flat.check(documents, partial, "fr")
    assert not report.complete
    assert report.missing == list(source)[-2:]
    assert report.unknown == ["reef-cmm|nope|name"]
    (tmp_path / "fr.json").write_text(json.dumps(partial), encoding="utf-8")
    assert flat.main(["check", str(tmp_path / "fr.json")]) == 1


# ------------------------------------------------------------------ import and pages


def _import(data: dict[str, Any]) -> Framework:
    return services.framework_import(
        actor=DEMO, source=json.dumps(data, ensure_ascii=False), filename="example.json"
    )


@pytest.mark.django_db
def test_same_version_with_new_translations_updates_them_in_place(world: None) -> None:
    plain = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    fw = _import(plain)
    assert selectors.parsed(fw, "es").dimensions[0].name == "Policy"
    indicators = list(fw.indicators.values_list("pk", "key", "text"))
    updated = _import(spanish_example())
    assert updated.pk == fw.pk and updated.version == fw.version + 1
    assert Framework.objects.filter(slug="example-staged").count() == 1
    assert list(updated.indicators.values_list("pk", "key", "text")) == indicators
    stored = Framework.objects.get(pk=fw.pk)
    assert selectors.parsed(stored, "es").dimensions[0].name == "Política"
    assert selectors.parsed(stored).dimensions[0].name == "Policy"
    assert AuditEntry.objects.filter(action="framework_translations_update").exists()
    # The same file again, or a changed content under the same version: refused as before.
    with pytest.raises(ServiceError) as same:
        _import(spanish_example())
    assert same.value.code == "conflict"
    changed = spanish_example()
    changed["dimensions"][0]["name"] = "Policies"
    with pytest.raises(ServiceError) as content:
        _import(changed)
    assert content.value.code == "conflict"
    assert selectors.parsed(Framework.objects.get(pk=fw.pk)).dimensions[0].name == "Policy"


@pytest.mark.django_db
def test_pages_show_framework_texts_in_the_readers_language(
    users: dict[str, Any],
) -> None:
    from reef.assessments.models import Status
    from reef.assessments.tests.helpers import build

    fw = _import(spanish_example())  # build() uses the example framework of this slug
    rating = build(users, until=Status.RATING)
    page = f"/frameworks/{fw.slug}/{fw.release}/"
    es = _as(users["expert"], "es").get(page).content.decode()
    assert "Pequeño ejemplo escalonado" in es and "Estrategia nacional" in es
    assert "Desarrollo" in es and "Un organismo tiene mandato." in es
    assert "Pida el texto adoptado." in es
    assert "Review" in es and "Society" in es  # no Spanish: as written
    assert "A date for the first review of the strategy has been set." in es
    en = _as(users["expert"], "en").get(page).content.decode()
    assert "Policy" in en and "National strategy" in en and "Política" not in en
    assert "A lead body has been formally mandated" in en

    rate = f"/assessments/{rating.pk}/rate/?group=P.1"
    es = _as(users["expert"], "es").get(rate).content.decode()
    assert "P.1 Estrategia nacional" in es and "Un organismo tiene mandato." in es
    assert "S.1 Mecanismos de denuncia" in es
    assert "A date for the first review of the strategy has been set." in es
    en = _as(users["expert"], "en").get(rate).content.decode()
    assert "P.1 National strategy" in en and "Un organismo" not in en
    # The rating sheet's statements are in the reader's language; its keys stay keys.
    sheet = _as(users["expert"], "es").get(f"/assessments/{rating.pk}/sheet/")
    rows = list(load_workbook(io.BytesIO(sheet.content))["Ratings"].iter_rows(values_only=True))
    assert rows[1][:3] == ("P.1.a.2.1", "P.1", "Un organismo tiene mandato.")


@pytest.mark.django_db
def test_results_and_report_in_the_readers_language(users: dict[str, Any], tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import call_command

    from reef.assessments import report
    from reef.assessments import selectors as assessment_selectors
    from reef.assessments.models import Status
    from reef.assessments.tests.helpers import build

    _import(spanish_example())
    done = build(users, until=Status.COMPLETE)
    results = _as(users["focal_point"], "es").get(f"/assessments/{done.pk}/results/")
    html = results.content.decode()
    assert "Desarrollo" in html and "Política" in html  # the table and the charts' labels
    assert "Inicial" in html or "Formativa" in html  # stage names
    en = _as(users["focal_point"], "en").get(f"/assessments/{done.pk}/results/").content.decode()
    assert "Development" in en and "Política" not in en
    body = _as(users["focal_point"], "es").get(f"/assessments/{done.pk}/report/").content.decode()
    assert "Pequeño ejemplo escalonado" in body and "Política" in body
    assert "El gabinete adoptó la estrategia." in body  # a missing indicator of the P.1.a gap
    assert "Society" in body  # no Spanish for it
    with translation.override("es"):
        document = report.render_html(users["focal_point"], done)
    assert "Estrategia nacional" in document
    with translation.override("en"):
        assert "Estrategia nacional" not in report.render_html(users["focal_point"], done)
    out = tmp_path / "report.html"
    call_command(
        "report", str(done.pk), "--format", "html", "--language", "es", "-o", str(out),
        "--as", users["focal_point"].email, stdout=StringIO(),
    )  # fmt: skip
    assert "Estrategia nacional" in out.read_text(encoding="utf-8")
    # The trends data (also the API's) keeps the names as written unless asked.
    trend = assessment_selectors.trends(users["focal_point"], done)
    assert [line["name"] for line in trend["lines"]] == ["Policy", "Society"]
    spanish = assessment_selectors.trends(users["focal_point"], done, language="es")
    assert [line["name"] for line in spanish["lines"]] == ["Política", "Society"]


def test_shipped_frameworks_carry_spanish_french_and_dutch() -> None:
    for slug in formats.shipped_slugs():
        fw = formats.load_shipped(slug)
        named: list[Any] = [*fw.stages, *fw.tiers, *fw.dimensions, *fw.pillars, *fw.factors]
        named += [a for a in fw.aspects if not a.implicit]
        for language in ("es", "fr", "nl"):
            assert formats.translated(fw, language).name != fw.name
            for item in named:
                assert formats._translation(item.extra, "name", language), (slug, item.name)
            for indicator in fw.indicators:
                assert formats._translation(indicator.extra, "text", language), indicator.key


@pytest.mark.django_db
def test_demo_refreshes_translations_of_a_stored_shipped_version(world: None) -> None:
    from reef.frameworks import demo

    path = formats.SHIPPED_DIR / "reef-index.json"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    # An installation that imported the version before it carried translations.
    stored = _import(formats._without_translations(shipped))
    rows = list(stored.indicators.values_list("pk", "key", "text"))
    assert selectors.parsed(stored, "es").pillars[0].name == "Legal"
    demo.load(lambda _line: None)
    refreshed = Framework.objects.get(slug="reef-index", release=shipped["version"])
    assert refreshed.pk == stored.pk
    assert selectors.parsed(refreshed, "es").pillars[0].name != "Legal"
    assert (
        selectors.parsed(refreshed, "es").pillars[0].name
        == (shipped["pillars"][0]["translations"]["es"]["name"])
    )
    assert list(refreshed.indicators.values_list("pk", "key", "text")) == rows
    # Loading the demo again changes nothing.
    demo.load(lambda _line: None)
    assert Framework.objects.get(pk=stored.pk).version == refreshed.version


@pytest.mark.django_db
def test_cli_import_of_new_translations_says_so(world: None, tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import call_command

    _import(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    path = tmp_path / "example.json"
    path.write_text(json.dumps(spanish_example(), ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("framework", "import", str(path), stdout=out)
    assert out.getvalue().startswith("Updated the translations of example-staged@0.1")
    assert selectors.parsed(Framework.objects.get(slug="example-staged"), "es").name == (
        "Pequeño ejemplo escalonado"
    )
