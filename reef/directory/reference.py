"""Reference data that comes with the schema: ISO 3166 countries and the Caribbean
groupings. Loaded by a data migration (so `reef migrate` on an empty database gives
the whole directory) and reused, idempotently, by the demo loader and the tests."""

from __future__ import annotations

from typing import Any

import pycountry

CARICOM_MEMBERS = [
    "AG",
    "BS",
    "BB",
    "BZ",
    "DM",
    "GD",
    "GY",
    "HT",
    "JM",
    "MS",
    "KN",
    "LC",
    "VC",
    "SR",
    "TT",
]
CARICOM_ASSOCIATES = ["AI", "BM", "VG", "KY", "TC"]
OECS_MEMBERS = ["AG", "DM", "GD", "MS", "KN", "LC", "VC"]
OECS_ASSOCIATES = ["AI", "VG", "MQ", "GP"]
CARIFORUM_MEMBERS = [c for c in CARICOM_MEMBERS if c != "MS"] + ["DO"]

# slug, name, description, members, associates
GROUPINGS: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "caricom",
        "CARICOM",
        "Caribbean Community: 15 member states and 5 associate members.",
        CARICOM_MEMBERS,
        CARICOM_ASSOCIATES,
    ),
    ("oecs", "OECS", "Organisation of Eastern Caribbean States.", OECS_MEMBERS, OECS_ASSOCIATES),
    (
        "cariforum",
        "CARIFORUM",
        "Caribbean Forum: CARICOM states and the Dominican Republic.",
        CARIFORUM_MEMBERS,
        [],
    ),
]


def country_rows() -> list[dict[str, str]]:
    """Every ISO 3166-1 country as pycountry knows it."""
    return [
        {
            "code": c.alpha_2,
            "alpha3": c.alpha_3,
            "numeric": c.numeric,
            "name": getattr(c, "common_name", None) or c.name,
            "official_name": getattr(c, "official_name", "") or "",
        }
        for c in pycountry.countries
    ]


def load_countries(country_model: Any) -> int:
    """Create or update every country; returns how many are new. Works on historical models."""
    created = 0
    for row in country_rows():
        code = row.pop("code")
        _obj, was_created = country_model.objects.update_or_create(code=code, defaults=row)
        created += int(was_created)
    return created


def load_groupings(country_model: Any, grouping_model: Any, member_model: Any) -> None:
    """Create the groupings and set their members (idempotent). Works on historical models."""
    for slug, name, description, members, associates in GROUPINGS:
        grouping, _created = grouping_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        wanted = {code: "member" for code in members}
        wanted.update({code: "associate" for code in associates})
        countries = {c.code: c for c in country_model.objects.filter(code__in=wanted)}
        for code, status in wanted.items():
            if code in countries:
                member_model.objects.update_or_create(
                    grouping=grouping, country=countries[code], defaults={"status": status}
                )
