"""Demo directory: organisations and people (illustrative), on top of the reference
countries and groupings (reef/directory/reference.py)."""

from __future__ import annotations

from collections.abc import Callable

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory import services
from reef.directory.models import Country, Organisation, OrganisationKind, Person
from reef.directory.reference import GROUPINGS

K = OrganisationKind
# slug, name, acronym, kind, country, consortium member of CCI?
ORGANISATIONS: list[tuple[str, str, str, str, str | None, bool]] = [
    (
        "caricom-impacs",
        "CARICOM Implementation Agency for Crime and Security",
        "CARICOM IMPACS",
        K.REGIONAL,
        "TT",
        False,
    ),
    ("ctu", "Caribbean Telecommunications Union", "CTU", K.REGIONAL, "TT", False),
    (
        "oecs",
        "Organisation of Eastern Caribbean States Commission",
        "OECS",
        K.REGIONAL,
        "LC",
        False,
    ),
    ("comsec", "Commonwealth Secretariat", "ComSec", K.INTERNATIONAL, None, True),
    ("cto", "Commonwealth Telecommunications Organisation", "CTO", K.INTERNATIONAL, None, True),
    ("itu", "International Telecommunication Union", "ITU", K.INTERNATIONAL, None, True),
    (
        "oas",
        "Organization of American States (CICTE cyber security programme)",
        "OAS",
        K.INTERNATIONAL,
        None,
        True,
    ),
    ("coe", "Council of Europe (GLACY, Octopus)", "CoE", K.INTERNATIONAL, None, True),
    ("interpol", "INTERPOL", "INTERPOL", K.INTERNATIONAL, None, True),
    (
        "eclac",
        "UN Economic Commission for Latin America and the Caribbean",
        "ECLAC",
        K.INTERNATIONAL,
        None,
        False,
    ),
    ("us-doj", "United States Department of Justice", "US DOJ", K.GOVERNMENT, "US", True),
    ("fbi", "Federal Bureau of Investigation", "FBI", K.GOVERNMENT, "US", False),
    ("world-bank", "World Bank", "World Bank", K.DONOR, None, False),
    ("idb", "Inter-American Development Bank", "IDB", K.DONOR, None, False),
    ("gfce", "Global Forum on Cyber Expertise", "GFCE", K.INTERNATIONAL, None, False),
    # Illustrative national and local organisations.
    ("gd-ict-ministry", "Grenada Ministry of ICT (illustrative)", "", K.GOVERNMENT, "GD", False),
    (
        "tt-ministry-digital",
        "Trinidad and Tobago Ministry of Digital Transformation (illustrative)",
        "",
        K.GOVERNMENT,
        "TT",
        False,
    ),
    (
        "bb-ict-ministry",
        "Barbados Ministry of Innovation (illustrative)",
        "",
        K.GOVERNMENT,
        "BB",
        False,
    ),
    (
        "dm-ict-ministry",
        "Dominica Ministry of Governance (illustrative)",
        "",
        K.GOVERNMENT,
        "DM",
        False,
    ),
    (
        "ag-ict-ministry",
        "Antigua and Barbuda Ministry of Information (illustrative)",
        "",
        K.GOVERNMENT,
        "AG",
        False,
    ),
    (
        "tt-secure-networks",
        "Secure Networks Caribbean Ltd (illustrative)",
        "",
        K.PRIVATE,
        "TT",
        False,
    ),
    ("uwi", "The University of the West Indies", "UWI", K.ACADEMIA, "JM", False),
    (
        "caribbean-civil-net",
        "Caribbean Digital Rights Network (illustrative)",
        "",
        K.CIVIL_SOCIETY,
        "BB",
        False,
    ),
]


def load(say: Callable[[str], None]) -> None:
    created = services.countries_sync()
    say(f"countries: {Country.objects.count()} ({created} new)")
    # The groupings come with the schema (data migration); set again after a test's flush.
    for slug, name, description, members, associates in GROUPINGS:
        services.grouping_set_members(
            slug=slug,
            name=name,
            members=members,
            associates=associates,
            description=description,
            actor=DEMO,
        )
    cci = Organisation.objects.filter(slug="cci").first() or services.organisation_create(
        actor=DEMO,
        slug="cci",
        name="Commonwealth Cybercrime Initiative",
        acronym="CCI",
        kind=K.INTERNATIONAL,
        is_consortium=True,
        description="A consortium of international organisations that assesses needs and "
        "coordinates capacity building on a member state's request.",
    )
    for slug, name, acronym, kind, code, in_cci in ORGANISATIONS:
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            country = Country.objects.get(code=code) if code else None
            org = services.organisation_create(
                actor=DEMO,
                slug=slug,
                name=name,
                acronym=acronym,
                kind=kind,
                country=country,
            )
        if in_cci:
            org.consortia.add(cci)
    # A government contact list is for the community only (TLP:GREEN), one is AMBER.
    grenada = Country.objects.get(code="GD")
    ministry = Organisation.objects.get(slug="gd-ict-ministry")
    if not Person.objects.filter(name="Focal Point, Grenada (illustrative)").exists():
        services.person_create(
            actor=DEMO,
            name="Focal Point, Grenada (illustrative)",
            organisation=ministry,
            country=grenada,
            title="National cyber security focal point",
            email="focal.point@example.gd",
            tlp=TLP.GREEN,
        )
        services.person_create(
            actor=DEMO,
            name="Incident lead, Grenada (illustrative)",
            organisation=ministry,
            country=grenada,
            title="Government incident response lead",
            email="incident.lead@example.gd",
            tlp=TLP.AMBER,
        )
    say(f"organisations: {Organisation.objects.count()}")
