"""Mentor pairing: nascent specialists to senior mentors, one or two mentees each, with
`scipy.optimize.linear_sum_assignment` over mentor slots. Input checked against
``schema/mentors.schema.json``."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from reef.experts.matching.explain import Clause, gettext_noop, reason_parts, render
from reef.experts.matching.validate import DATA, check, index_ids

KIND = "mentors"
MENTOR_LEVELS = ("senior", "principal")


def _person(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": raw["id"],
        "fields": set(raw.get("fields", [])),
        "languages": set(raw.get("languages", [])),
        "country": raw.get("country"),
        "region": raw.get("region"),
        "capacity": raw.get("capacity", 1),
    }


def _scores(
    mentees: list[dict[str, Any]], mentors: list[dict[str, Any]]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Score of each (mentee, mentor) pair, and whether they share a language."""
    score = np.zeros((len(mentees), len(mentors)))
    allowed = np.zeros((len(mentees), len(mentors)), dtype=np.bool_)
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            allowed[i, j] = bool(a["languages"] & b["languages"])
            union = a["fields"] | b["fields"]
            s = len(a["fields"] & b["fields"]) / len(union) if union else 0.0
            if a["country"] and a["country"] == b["country"]:
                s += 0.3
            elif a["region"] and a["region"] == b["region"]:
                s += 0.15
            score[i, j] = round(s, 6)
    return score, allowed


def _reason(mentee: dict[str, Any], mentor: dict[str, Any]) -> list[Clause]:
    shared = sorted(mentee["fields"] & mentor["fields"])
    langs = sorted(mentee["languages"] & mentor["languages"])
    parts: list[Clause] = [
        (gettext_noop("shares languages %(languages)s"), {"languages": ", ".join(langs)})
    ]
    if shared:
        parts.append((gettext_noop("fields %(fields)s"), {"fields": ", ".join(shared)}))
    if mentee["country"] and mentee["country"] == mentor["country"]:
        parts.append((gettext_noop("same country"), {}))
    elif mentee["region"] and mentee["region"] == mentor["region"]:
        parts.append((gettext_noop("same region"), {}))
    return parts


def match_mentors(data: dict[str, Any], *, filename: str = DATA) -> dict[str, Any]:
    """Pair nascent specialists with senior mentors (`reef match mentors FILE --json`).

    Score = Jaccard overlap of fields + 0.3 same country (or 0.15 same region).
    A shared language is required. Maximises the total score.
    """
    check(data, KIND, filename)
    index_ids(data["mentees"], "mentees", filename)
    index_ids(data["mentors"], "mentors", filename)
    mentees = [_person(x) for x in data["mentees"]]
    mentors = [_person(x) for x in data["mentors"]]
    slots = [j for j, mentor in enumerate(mentors) for _ in range(mentor["capacity"])]
    score, allowed = _scores(mentees, mentors)
    pairs = []
    if mentees and slots:
        slot_score = score[:, slots]
        slot_allowed = allowed[:, slots]
        # Forbidden pairs get a cost that no allowed pairing can beat, then are dropped.
        cost = np.where(slot_allowed, -slot_score - 1.0, 0.0)
        rows, cols = linear_sum_assignment(cost)
        for i, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if slot_allowed[i, c]:
                j = slots[c]
                parts = _reason(mentees[i], mentors[j])
                pairs.append(
                    {
                        "mentee": mentees[i]["id"],
                        "mentor": mentors[j]["id"],
                        "score": float(score[i, j]),
                        "reason": render(parts),
                        "reason_parts": reason_parts(parts),
                    }
                )
    paired = {p["mentee"] for p in pairs}
    return {
        "pairs": pairs,
        "total": round(sum(p["score"] for p in pairs), 6),
        "unmatched": [a["id"] for a in mentees if a["id"] not in paired],
    }
