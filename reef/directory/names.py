"""Country names in the reader's language, from pycountry's ISO 3166 catalogues.

The stored `Country.name` stays the ISO English name: exports, the API and
search use it. Pages show `Country.display_name`, translated here.
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Protocol

import pycountry
from django.utils import translation


class Named(Protocol):
    @property
    def display_name(self) -> str: ...


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(english: str, language: str | None = None) -> str:
    """The ISO English name in `language` (default: the active one); itself when unknown."""
    language = (language or translation.get_language() or "en").split("-")[0]
    if language == "en":
        return english
    return _catalogue(language).gettext(english)


def collation_key(name: str) -> str:
    """Sort key that puts accented letters with their base letter (Haití after Guyana)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def by_display_name[T: Named](countries: Iterable[T]) -> list[T]:
    """Countries in alphabetical order of the names the reader sees."""
    return sorted(countries, key=lambda c: collation_key(c.display_name))
