"""The expertise taxonomy: the reef-cmm factors and the expert roles (no Django import).

Factor keys and names are read from the shipped framework `reef-cmm.json` when it
is present, else from the 23 factor names of the CMM structure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a role name for translation; the Django layer translates it (`ExpertiseTag.label`)."""
    return message


SHIPPED_CMM = Path(__file__).resolve().parent.parent / "frameworks" / "shipped" / "reef-cmm.json"

#: Role tags: (key, English name). Keys are what the matching engine sees as roles; the
#: names are stored in the tags and translated when shown.
ROLES: list[tuple[str, str]] = [
    ("technical", gettext_noop("Technical")),
    ("criminal_justice", gettext_noop("Criminal justice")),
    ("prosecution", gettext_noop("Prosecution")),
    ("judiciary", gettext_noop("Judiciary")),
    ("policy", gettext_noop("Policy")),
    ("legal_drafting", gettext_noop("Legal drafting")),
    ("digital_forensics", gettext_noop("Digital forensics")),
    ("incident_response", gettext_noop("Incident response")),
    ("awareness", gettext_noop("Awareness")),
    ("education", gettext_noop("Education")),
]

CMM_FACTORS_FALLBACK: list[tuple[str, str]] = [
    ("1.1", "National Cybersecurity Strategy"),
    ("1.2", "Incident Response and Crisis Management"),
    ("1.3", "Critical Infrastructure Protection"),
    ("1.4", "Cybersecurity in Defence and National Security"),
    ("2.1", "Cybersecurity Mindset"),
    ("2.2", "Trust and Confidence in Online Services"),
    ("2.3", "User Understanding of Personal Information Protection Online"),
    ("2.4", "Reporting Mechanisms"),
    ("2.5", "Media and Online Platforms"),
    ("3.1", "Awareness Raising"),
    ("3.2", "Cybersecurity Education"),
    ("3.3", "Cybersecurity Professional Training"),
    ("3.4", "Cybersecurity Research and Innovation"),
    ("4.1", "Legal and Regulatory Provisions"),
    ("4.2", "Related Legislative Frameworks"),
    ("4.3", "Legal and Regulatory Capability and Capacity"),
    ("4.4", "Formal and Informal Co-operation Frameworks to Combat Cybercrime"),
    ("5.1", "Adherence to Standards"),
    ("5.2", "Security Controls"),
    ("5.3", "Software Quality"),
    ("5.4", "Communications and Internet Infrastructure Resilience"),
    ("5.5", "Cybersecurity Marketplace"),
    ("5.6", "Responsible Disclosure"),
]


def cmm_factors(path: Path = SHIPPED_CMM) -> list[tuple[str, str]]:
    """(tag key, name) of each CMM factor; tag keys are `cmm-<factor key>`."""
    factors: list[tuple[str, str]] = []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for dimension in data["dimensions"]:
            for factor in dimension["factors"]:
                factors.append((str(factor["key"]), str(factor["name"])))
    except (OSError, ValueError, KeyError, TypeError):
        factors = []
    if not factors:
        factors = list(CMM_FACTORS_FALLBACK)
    return [(f"cmm-{key}", f"{key} {name}") for key, name in factors]


def seed_tags(tag_model: Any) -> None:
    """Create or update the factor and role tags (used by the migration and after a flush)."""
    for key, name in cmm_factors():
        tag_model.objects.update_or_create(key=key, defaults={"name": name, "kind": "factor"})
    for key, name in ROLES:
        tag_model.objects.update_or_create(key=key, defaults={"name": name, "kind": "role"})
