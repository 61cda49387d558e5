"""Mission services: requests, engine-proposed teams, the coordinator's edits and confirmation."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core import mail

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import DEMO
from reef.directory.models import Country
from reef.experts import services
from reef.experts.models import (
    ExpertProfile,
    MentoringActivity,
    MissionRequest,
)
from reef.experts.tests.helpers import MISSION_END, MISSION_START, expert, mission

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- missions


def _pool() -> dict[str, ExpertProfile]:
    pool = {
        # The best-looking experts are each excluded by one hard rule.
        "unavailable": expert(
            "Unavailable U.",
            roles=("technical",),
            seniority="senior",
            available=(dt.date(2026, 3, 3), dt.date(2026, 12, 31)),
        ),
        "conflict_country": expert(
            "Conflicted K.", roles=("criminal_justice",), seniority="senior"
        ),
        "involved_org": expert(
            "Involved I.", roles=("technical",), seniority="senior", organisation="oas"
        ),
        "tech": expert("Tech T.", roles=("technical",), country="JM", sector="government"),
        "cj": expert(
            "Justice J.",
            roles=("criminal_justice",),
            country="BB",
            sector="government",
            languages=("en", "fr"),
        ),
        "local": expert("Local L.", roles=("policy",), country="TT", sector="academia"),
        "nascent": expert("Nascent N.", roles=("technical",), seniority="nascent"),
    }
    services.conflict_declare(
        actor=DEMO,
        profile=pool["conflict_country"],
        kind="country",
        country=Country.objects.get(code="GD"),
    )
    return pool


def test_conflicted_or_unavailable_experts_are_never_proposed() -> None:
    pool = _pool()
    m = mission(organisations=["oas"], languages=("en", "fr"))
    result = services.mission_team_propose(actor=DEMO, mission=m)
    team = {t.profile_id for t in m.team.all()}
    for bad in ("unavailable", "conflict_country", "involved_org"):
        assert pool[bad].pk not in team
    assert team == {pool[k].pk for k in ("tech", "cj", "local", "nascent")}
    assert result["teams"][0]["complete"]
    assert services.mission_coverage(m) == []
    m.refresh_from_db()
    assert m.status == MissionRequest.Status.PROPOSED and m.missing == []
    tech = m.team.get(profile=pool["tech"])
    assert "technical" in tech.reason and tech.seat == "role:technical"
    # A second mission on overlapping dates cannot use anyone already proposed.
    other = mission(
        start=MISSION_START + dt.timedelta(days=2), end=MISSION_END + dt.timedelta(days=2)
    )
    services.mission_team_propose(actor=DEMO, mission=other)
    assert not team & {t.profile_id for t in other.team.all()}


@pytest.mark.parametrize("seed", range(4))
def test_random_pools_respect_hard_rules_and_coverage(seed: int) -> None:
    rng = random.Random(seed)
    role_sets = [
        ("technical",),
        ("criminal_justice",),
        ("policy",),
        ("technical", "criminal_justice"),
        ("digital_forensics",),
    ]
    for i in range(14):
        start = dt.date(2026, rng.choice([1, 2, 3]), rng.randint(1, 5))
        p = expert(
            f"Random {seed}-{i}",
            roles=rng.choice(role_sets),
            country=rng.choice(["TT", "JM", "BB", "GD", "LC"]),
            sector=rng.choice(["private", "academia", "government", "civil_society"]),
            languages=rng.choice([("en",), ("en", "fr"), ("es",)]),
            seniority=rng.choice(["nascent", "junior", "mid", "senior"]),
            organisation=rng.choice([None, "oas", "uwi"]),
            available=(start, start + dt.timedelta(days=rng.randint(10, 90))),
        )
        if rng.random() < 0.3:
            services.conflict_declare(
                actor=DEMO, profile=p, kind="country", country=Country.objects.get(code="GD")
            )
    m = mission(organisations=["oas"], languages=("en",))
    result = services.mission_team_propose(actor=DEMO, mission=m)
    for member in m.team.select_related("profile"):
        assert services.mission_problems(member.profile, m) == []
    missing_rules = {x["rule"] for x in services.mission_coverage(m)}
    if result["teams"][0]["complete"]:
        assert missing_rules == set()
    else:
        assert missing_rules == {x["rule"] for x in result["teams"][0]["missing"]}


def test_coordinator_edits_and_confirms_the_team(users: dict[str, Any]) -> None:
    pool = _pool()
    coordinator = users["coordinator"]
    m = mission(organisations=["oas"])
    with pytest.raises(PermissionDenied):
        services.mission_team_propose(actor=users["outsider"], mission=m)
    with pytest.raises(PermissionDenied):
        services.mission_team_propose(actor=users["focal_point"], mission=m)  # not a coordinator
    services.mission_team_propose(actor=coordinator, mission=m)
    with pytest.raises(ServiceError, match="cannot join"):
        services.team_member_add(actor=coordinator, mission=m, profile=pool["involved_org"])
    with pytest.raises(ServiceError, match="not available"):
        services.team_member_add(actor=coordinator, mission=m, profile=pool["unavailable"])
    local = m.team.get(profile=pool["local"])
    services.team_member_remove(actor=coordinator, member=local)
    m.refresh_from_db()
    assert {x["rule"] for x in m.missing} >= {"local"}
    extra = expert("Extra E.", roles=("awareness",), sector="private", country="LC")
    services.team_member_add(actor=coordinator, mission=m, profile=extra)
    m.refresh_from_db()
    assert m.missing == []
    mail.outbox.clear()
    services.mission_team_confirm(actor=coordinator, mission=m)
    m.refresh_from_db()
    assert m.status == MissionRequest.Status.CONFIRMED
    assert set(m.team.values_list("status", flat=True)) == {"confirmed"}
    assert MentoringActivity.objects.filter(
        specialist=pool["nascent"], kind="shadowed_mission"
    ).exists()
    with pytest.raises(ServiceError, match="confirmed"):
        services.team_member_add(actor=coordinator, mission=m, profile=pool["tech"])


def test_mission_request_validation(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    before = MissionRequest.objects.count()
    with pytest.raises(ServiceError, match="end"):
        services.mission_request_create(
            actor=users["focal_point"], title="M", country=gd, start=MISSION_END, end=MISSION_START
        )
    with pytest.raises(ServiceError, match="team size"):
        services.mission_request_create(
            actor=users["focal_point"],
            title="M",
            country=gd,
            start=MISSION_START,
            end=MISSION_END,
            size=1,
        )
    with pytest.raises(PermissionDenied):
        services.mission_request_create(
            actor=users["outsider"], title="M", country=gd, start=MISSION_START, end=MISSION_END
        )
    with pytest.raises(ServiceError, match="200 characters"):
        services.mission_request_create(
            actor=users["focal_point"],
            title="M" * 201,
            country=gd,
            start=MISSION_START,
            end=MISSION_END,
        )
    with pytest.raises(ServiceError, match="1 to 50"):
        services.mission_request_create(
            actor=users["focal_point"],
            title="M",
            country=gd,
            start=MISSION_START,
            end=MISSION_END,
            size=40000,
        )
    assert MissionRequest.objects.count() == before
    m = services.mission_request_create(
        actor=users["focal_point"], title="M", country=gd, start=MISSION_START, end=MISSION_END
    )
    assert m.required_roles == {"technical": 1, "criminal_justice": 1} and m.assessment_ref is None
