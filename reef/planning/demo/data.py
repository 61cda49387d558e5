"""The demo's content (ILLUSTRATIVE: not the content of any real national plan)."""

from __future__ import annotations

from datetime import date

CYCLE = "2026-2028"


NOTE = " (illustrative)"


# The demo's themes as factors of the shipped Reef CMM (reef/frameworks/shipped/reef-cmm.json).
CMM_FACTORS = {
    "national-strategy": "1.1",
    "incident-response-capacity": "1.2",
    "awareness-raising": "3.1",
    "workforce-development": "3.3",
    "cybercrime-legislation": "4.1",
    "cybercrime-investigation": "4.3",
    "international-cooperation": "4.4",
    "standards-adoption": "5.1",
}


# Needs per country: (area, factor key, title, cost USD, impact, urgency, feasibility, cost)
COMMON: list[tuple[str, str, str, int, int, int, int, int]] = [
    (
        "sustainable-capacity",
        "workforce-development",
        "Too few people trained in cyber security in government and business",
        400000,
        5,
        4,
        3,
        4,
    ),
    (
        "public-awareness",
        "awareness-raising",
        "Little awareness and basic cyber hygiene in government and the private sector",
        150000,
        4,
        4,
        5,
        2,
    ),
]


SPECIFIC: dict[str, list[tuple[str, str, str, int, int, int, int, int]]] = {
    "TT": [
        (
            "incident-response",
            "incident-response-capacity",
            "TT-CSIRT incident handling for critical infrastructure operators",
            300000,
            5,
            4,
            4,
            3,
        ),
        (
            "legal-environment",
            "cybercrime-legislation",
            "Update cybercrime law and electronic evidence rules",
            120000,
            4,
            3,
            3,
            2,
        ),
    ],
    "DM": [
        (
            "incident-response",
            "incident-response-capacity",
            "Stand up the national CSIRT drafted in the plan",
            350000,
            5,
            5,
            3,
            4,
        ),
        (
            "technical-standards",
            "standards-adoption",
            "Adopt baseline security standards for government networks",
            90000,
            3,
            3,
            4,
            2,
        ),
    ],
    "GD": [
        (
            "legal-environment",
            "cybercrime-investigation",
            "Police and prosecutors able to investigate cybercrime and use electronic evidence",
            260000,
            5,
            4,
            4,
            3,
        ),
        (
            "incident-response",
            "incident-response-capacity",
            "Make the announced national CSIRT operational",
            320000,
            5,
            4,
            3,
            4,
        ),
    ],
    "AG": [
        (
            "legal-environment",
            "cybercrime-investigation",
            "Train investigators to apply the Electronic Crimes Act 2013",
            180000,
            4,
            4,
            4,
            3,
        ),
        (
            "technical-standards",
            "standards-adoption",
            "Turn the draft ICT policy into a national cyber security strategy",
            70000,
            4,
            3,
            4,
            1,
        ),
    ],
    "BB": [
        (
            "technical-standards",
            "national-strategy",
            "Write a national cyber security strategy",
            110000,
            5,
            4,
            4,
            2,
        ),
        (
            "regional-cooperation",
            "international-cooperation",
            "Join regional incident information sharing",
            60000,
            3,
            3,
            5,
            1,
        ),
    ],
}


# Commitments: (country, need index, organisation slug, amount or None, currency,
#               statuses walked through with dates)
COMMITMENTS: list[tuple[str, int, str, int | None, str, list[tuple[str, date]]]] = [
    (
        "TT",
        0,
        "oas",
        120000,
        "USD",
        [
            ("offered", date(2025, 11, 3)),
            ("accepted", date(2025, 12, 1)),
            ("in_progress", date(2026, 2, 1)),
        ],
    ),
    (
        "TT",
        2,
        "itu",
        150000,
        "USD",
        [
            ("offered", date(2025, 10, 6)),
            ("accepted", date(2025, 11, 10)),
            ("in_progress", date(2026, 1, 12)),
            ("delivered", date(2026, 6, 30)),
            ("verified", date(2026, 7, 20)),
        ],
    ),
    (
        "DM",
        2,
        "world-bank",
        250000,
        "USD",
        [("offered", date(2026, 1, 15)), ("accepted", date(2026, 2, 20))],
    ),
    ("DM", 1, "comsec", None, "USD", [("offered", date(2026, 3, 2))]),
    (
        "GD",
        2,
        "coe",
        90000,
        "EUR",
        [
            ("offered", date(2025, 12, 8)),
            ("accepted", date(2026, 1, 19)),
            ("in_progress", date(2026, 6, 1)),
        ],
    ),
    (
        "GD",
        2,
        "oas",
        80000,
        "USD",
        [("offered", date(2026, 1, 10)), ("accepted", date(2026, 2, 2))],
    ),
    ("GD", 0, "idb", 200000, "USD", [("offered", date(2026, 4, 1))]),
    (
        "AG",
        2,
        "comsec",
        60000,
        "GBP",
        [
            ("offered", date(2025, 11, 20)),
            ("accepted", date(2026, 1, 5)),
            ("in_progress", date(2026, 3, 1)),
            ("delivered", date(2026, 9, 30)),
        ],
    ),
    (
        "BB",
        2,
        "itu",
        50000,
        "USD",
        [("offered", date(2026, 2, 9)), ("withdrawn", date(2026, 5, 4))],
    ),
    (
        "BB",
        1,
        "oas",
        40000,
        "USD",
        [("offered", date(2026, 5, 11)), ("accepted", date(2026, 6, 15))],
    ),
]


COUNTRIES = ["TT", "DM", "GD", "AG", "BB"]


# Countries that chose to publish their plan (TLP:CLEAR): the public record shows it
# with its progress. Each plan's restricted need stays AMBER whatever the plan's label.
PUBLISHED = {"DM"}


#: The regional risk register: (category, description, likelihood, impact, owner, mitigation).
REGIONAL_RISKS: list[tuple[str, str, int, int, str, str]] = [
    (
        "low_political_priority",
        "Low political and administrative priority of cyber security in member states.",
        4,
        4,
        "Regional Cyber Committee",
        "Brief ministers each year; publish progress per country.",
    ),
    (
        "lack_of_capacity",
        "Lack of capacity to implement and sustain programmes once donors leave.",
        4,
        5,
        "CARICOM IMPACS",
        "Prefer train-the-trainer and curricula; flag drive-by training.",
    ),
    (
        "change_of_government",
        "A change of government changes national priorities.",
        3,
        4,
        "National Cyber Points of Contact",
        "Agree priorities across parties; record them.",
    ),
    (
        "coordination",
        "Partners duplicate each other's trainings in the same country.",
        3,
        2,
        "CARICOM IMPACS",
        "Review twinning opportunities each quarter.",
    ),
]
