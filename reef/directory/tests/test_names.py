"""Country names in the reader's language; the stored ISO English name stays the key."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from reef.directory.models import Country
from reef.directory.names import by_display_name, collation_key, country_name


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "República Dominicana"),
        ("fr", "République dominicaine"),
        ("nl", "Dominicaanse Republiek"),
        ("en", "Dominican Republic"),
        ("es-419", "República Dominicana"),
    ],
)
def test_country_name_in_each_language(language: str, expected: str) -> None:
    assert country_name("Dominican Republic", language) == expected


def test_unknown_name_or_language_is_left_as_stored() -> None:
    assert country_name("Atlantis", "es") == "Atlantis"
    assert country_name("Haiti", "xx") == "Haiti"


def test_collation_puts_accented_letters_with_their_base() -> None:
    names = ["Haití", "Granada", "Islas Vírgenes Británicas", "Ébano", "Guyana"]
    assert sorted(names, key=collation_key) == [
        "Ébano",
        "Granada",
        "Guyana",
        "Haití",
        "Islas Vírgenes Británicas",
    ]


@pytest.mark.django_db
def test_country_shows_the_active_language(world: None) -> None:
    lc = Country.objects.get(code="LC")
    with translation.override("fr"):
        assert str(lc) == lc.display_name == "Sainte-Lucie"
    assert lc.name == "Saint Lucia"
    with translation.override("es"):
        names = [
            c.display_name
            for c in by_display_name(Country.objects.filter(code__in=["HT", "GY", "DO"]))
        ]
    assert names == ["Guyana", "Haití", "República Dominicana"]


@pytest.mark.django_db
def test_pages_name_countries_in_the_reader_language_api_keeps_iso_names(
    clients: dict[str, Any],
) -> None:
    anonymous = clients["anonymous"]
    page = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "República Dominicana" in page and "Santa Lucía" in page
    assert page.index("Haití") < page.index("Jamaica") < page.index("República Dominicana")
    listing = anonymous.get("/directory/countries/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Dominicaanse Republiek" in listing
    english = anonymous.get("/directory/countries/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dominican Republic" in english
    api = anonymous.get("/api/v1/countries/DO", HTTP_ACCEPT_LANGUAGE="es").json()
    assert api["name"] == "Dominican Republic"
