"""Reference data of planning: the shipped area taxonomy, risk categories, currency rates."""

from __future__ import annotations

from decimal import Decimal

from reef.planning.rollup import RateTable


def gettext_noop(message: str) -> str:
    """Mark a message for translation (the area names are translated when shown)."""
    return message


#: The CARICOM Cyber Security and Cybercrime Action Plan's areas (CCSCAP 2016 + 2025).
CCSCAP_AREAS: list[tuple[str, str, str]] = [
    (
        "public-awareness",
        gettext_noop("Public Awareness"),
        "Awareness and basic cyber hygiene in government, business and the public.",
    ),
    (
        "sustainable-capacity",
        gettext_noop("Building Sustainable Capacity"),
        "People trained and institutions able to carry skills on: curricula, train-the-trainer.",
    ),
    (
        "technical-standards",
        gettext_noop("Technical Standards and Infrastructure"),
        "Standards, secure infrastructure and technical controls.",
    ),
    (
        "legal-environment",
        gettext_noop("Legal Environment"),
        "Cybercrime and electronic evidence law, prosecutors and courts.",
    ),
    (
        "regional-cooperation",
        gettext_noop("Regional and International Cooperation"),
        "Cooperation on incident response, cybercrime investigation and capacity building.",
    ),
    (
        "incident-response",
        gettext_noop("Incident Response"),
        "National CSIRTs, incident handling and exercises (added by CCSCAP 2025).",
    ),
]

DEFAULT_TAXONOMY = "ccscap"

#: Words in a framework factor or gap that suggest an area, checked in this order.
AREA_HINTS: list[tuple[str, tuple[str, ...]]] = [
    ("legal-environment", ("legal", "law", "legislat", "prosecut", "judic", "court", "evidence")),
    ("incident-response", ("incident", "csirt", "cert", "response", "crisis")),
    ("public-awareness", ("awareness", "hygiene", "mindset", "culture", "public")),
    ("technical-standards", ("standard", "technical", "infrastructure", "technolog", "market")),
    ("regional-cooperation", ("cooperation", "international", "regional", "cross-border")),
    ("sustainable-capacity", ("education", "training", "skill", "capacity", "workforce")),
]
FALLBACK_AREA = "sustainable-capacity"

#: Value of one unit in US dollars. XCD and BBD are pegged (2.70 and 2.00 per USD);
#: the others are illustrative and a plan may override them in `Plan.rates`.
USD_RATES: dict[str, Decimal] = {
    "USD": Decimal(1),
    "XCD": Decimal("0.37037"),
    "BBD": Decimal("0.5"),
    "BSD": Decimal(1),
    "BZD": Decimal("0.5"),
    "TTD": Decimal("0.147"),
    "JMD": Decimal("0.0064"),
    "GYD": Decimal("0.0048"),
    "SRD": Decimal("0.027"),
    "HTG": Decimal("0.0076"),
    "DOP": Decimal("0.016"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "CAD": Decimal("0.73"),
    "CHF": Decimal("1.13"),
}
CURRENCIES = sorted(USD_RATES)


def rate_table(reporting: str, overrides: dict[str, str] | None = None) -> RateTable:
    """Rates into `reporting`, derived from the USD table, with a plan's overrides."""
    base = USD_RATES.get(reporting, Decimal(1))
    rates = {code: value / base for code, value in USD_RATES.items() if code != reporting}
    for code, value in (overrides or {}).items():
        rates[code] = Decimal(str(value))
    return RateTable(reporting, rates)


def area_for(*texts: str) -> str:
    """The area key whose hints appear first in the given texts (a guess to be confirmed)."""
    blob = " ".join(texts).lower()
    for key, hints in AREA_HINTS:
        if any(h in blob for h in hints):
            return key
    return FALLBACK_AREA
