"""Prepare a database for load tests and drills: migrate, demo directory and accounts, tokens.

    REEF_DATABASE_URL=... python bench/load/prepare.py TOKENS.json [--scenario SCENARIO.json]

Writes {persona: "Bearer reef_..."} to TOKENS.json (one fresh token per persona).
With --scenario, also builds what voters, assessors and commenters write to (through
the services, as users would): a public consultation with accepted statements and
sections, LOAD_CONTRIBUTORS signed-in participants (LOAD_NOTIFICATIONS unread
notifications each; the first LOAD_READERS get a password to sign in to the pages),
a Grenada assessment in rating whose team is those participants, a second one rated
and closed (its report is generated), a Grenada plan with LOAD_NEEDS published needs
the OAS pledges to, and LOAD_INVITATIONS pending invitations to Grenada (their
links' secrets); SCENARIO.json names them and their tokens.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from reef.accounts import demo as accounts_demo
    from reef.accounts.services import api_token_create
    from reef.directory import demo as directory_demo
    from tests_support.world import PERSONA_EMAILS, ensure_world, persona

    directory_demo.load(lambda _line: None)
    accounts_demo.load(lambda _line: None)
    # Role holders need two-factor authentication (their API tokens answer 403 without):
    # the personas get their fixed TOTP seeds, as in the tests.
    ensure_world()
    tokens = {}
    for name in PERSONA_EMAILS:
        _, secret = api_token_create(user=persona(name), name=f"bench {name}")
        tokens[name] = f"Bearer {secret}"
    Path(sys.argv[1]).write_text(json.dumps(tokens, indent=2))
    print(f"prepared {os.environ.get('REEF_DATABASE_URL')}: tokens in {sys.argv[1]}")
    if "--scenario" in sys.argv:
        target = Path(sys.argv[sys.argv.index("--scenario") + 1])
        target.write_text(json.dumps(scenario(), indent=2))
        print(f"load scenario in {target}")


def scenario() -> dict[str, object]:
    from datetime import timedelta

    from django.utils import timezone

    from reef.accounts.services import api_token_create, user_create
    from reef.assessments import services as assessments
    from reef.consultations import services as consultations
    from reef.consultations.models import Participation
    from reef.directory.models import Country, Organisation
    from reef.frameworks import demo as frameworks_demo
    from reef.frameworks.models import Framework
    from tests_support.world import persona

    frameworks_demo.load(lambda _line: None)
    count = int(os.environ.get("LOAD_CONTRIBUTORS", "60"))
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    grenada = Country.objects.get(code="GD")
    contributors = []
    for n in range(count):
        user = user_create(
            email=f"load-{stamp}-{n:03d}@bench.reef.invalid",
            password=None,
            display_name=f"Load contributor {n}",
        )
        _, secret = api_token_create(user=user, name="load")
        contributors.append((user, f"Bearer {secret}"))

    coordinator = persona("coordinator")
    now = timezone.now()
    consultation = consultations.consultation_create(
        actor=coordinator,
        title=f"Load test consultation {stamp}",
        owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
        participation=Participation.PUBLIC,
        tlp="TLP:CLEAR",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=30),
        # All simulated voters share one address: the per-address limit must not bind.
        votes_per_minute=100_000,
    )
    statements = [
        consultations.statement_submit(
            actor=coordinator,
            consultation=consultation,
            body=f"Statement {n}: the region should share incident response capacity ({n}).",
        ).number
        for n in range(40)
    ]
    sections = [
        consultations.section_create(
            actor=coordinator,
            consultation=consultation,
            heading=f"Section {n}",
            text=f"Draft text of section {n} of the regional strategy.",
        ).number
        for n in range(1, 6)
    ]
    sectors = ["government", "private sector", "academia", "civil society"]
    for n, (user, _token) in enumerate(contributors):
        consultations.participant_join(
            actor=user, consultation=consultation, sector=sectors[n % len(sectors)], country=grenada
        )

    framework = Framework.objects.get(slug="reef-cmm")
    assessment = assessments.assessment_request(
        actor=persona("focal_point"), country=grenada, framework=framework, cycle=f"load-{stamp}"
    )
    assessments.assessment_accept(actor=coordinator, assessment=assessment)
    team = [user for user, _token in contributors]
    # The CCI rule: rating opens once the team holds a criminal-justice assessor too.
    assessments.assessment_assign_team(
        actor=coordinator,
        assessment=assessment,
        members=team,
        lead=team[0],
        roles={team[1].pk: "criminal_justice"},
    )
    indicators = list(framework.indicators.values_list("key", flat=True))
    return {
        "consultation": consultation.pk,
        "statements": statements,
        "sections": sections,
        "assessment": assessment.pk,
        "indicators": indicators,
        "contributors": [token for _user, token in contributors],
        **_inbox(contributors, consultation, stamp),
        "report_assessment": _closed_assessment(framework, team[:2], indicators, stamp),
        "needs": _published_needs(stamp),
        "invitations": _invitations(stamp),
    }


def _inbox(contributors: list[Any], consultation: Any, stamp: str) -> dict[str, object]:
    """Unread notifications for every contributor (read in the API and the inbox page),
    and a password for the first LOAD_READERS of them (they sign in to the pages)."""
    from django.contrib.auth.hashers import make_password

    from reef.accounts.models import User
    from reef.notifications.services import notification_preference_set, notification_send
    from tests_support.world import persona

    per_user = int(os.environ.get("LOAD_NOTIFICATIONS", "10"))
    readers = int(os.environ.get("LOAD_READERS", "10"))
    coordinator = persona("coordinator")
    for user, _token in contributors:
        # Daily digest: the seeded notifications must not queue thousands of mails.
        notification_preference_set(actor=user, delivery="digest")
        for _ in range(per_user):
            notification_send(
                recipient=user,
                kind="consultation.window_closing",
                subject_obj=consultation,
                actor=coordinator,
                url=f"/consultations/{consultation.pk}/",
            )
    password = f"load-{stamp}-reader-password"
    hashed = make_password(password)  # one hash, shared: hashing is slow by design
    accounts = [user for user, _token in contributors[:readers]]
    User.objects.filter(pk__in=[u.pk for u in accounts]).update(password=hashed)
    return {"readers": [{"email": u.email, "password": password} for u in accounts]}


def _closed_assessment(framework: Any, team: list[Any], indicators: list[str], stamp: str) -> int:
    """A second Grenada assessment, rated and closed: its report can be generated."""
    from reef.assessments import services as assessments
    from reef.directory.models import Country
    from tests_support.world import persona

    coordinator = persona("coordinator")
    assessment = assessments.assessment_request(
        actor=persona("focal_point"),
        country=Country.objects.get(code="GD"),
        framework=framework,
        cycle=f"report-{stamp}",
    )
    assessments.assessment_accept(actor=coordinator, assessment=assessment)
    assessments.assessment_assign_team(
        actor=coordinator,
        assessment=assessment,
        members=team,
        lead=team[0],
        roles={team[1].pk: "criminal_justice"},
    )
    values = ["met", "partial", "not_met"]
    for member in team:
        assessments.ratings_submit_rows(
            actor=member,
            assessment=assessment,
            rows=[
                assessments.RatingRow(indicator=key, value=values[n % 3], row=n + 1)
                for n, key in enumerate(indicators[:60])
            ],
        )
    assessments.assessment_close_rating(actor=team[0], assessment=assessment)
    return int(assessment.pk)


def _published_needs(stamp: str) -> list[int]:
    """A Grenada plan whose published needs the OAS (the donor persona) pledges to."""
    from decimal import Decimal

    from reef.directory.models import Country, Organisation
    from reef.planning import services as planning
    from reef.planning.reference import CCSCAP_AREAS
    from tests_support.world import persona

    focal_point = persona("focal_point")
    plan = planning.plan_create(
        actor=focal_point,
        title=f"Load test plan {stamp}",
        cycle=f"L{stamp[-8:]}",
        country=Country.objects.get(code="GD"),
    )
    oas = Organisation.objects.get(slug="oas")
    needs = []
    for n in range(int(os.environ.get("LOAD_NEEDS", "10"))):
        need = planning.need_create(
            actor=focal_point,
            plan=plan,
            area=CCSCAP_AREAS[0][0],
            title=f"Load test need {n}",
            cost_amount=Decimal("250000"),
            shared_with=[oas],
        )
        if need.published_at is None:  # a need with a cost may be published at once
            need = planning.need_publish(actor=focal_point, need=need)
        needs.append(int(need.pk))
    return needs


def _invitations(stamp: str) -> list[str]:
    """Pending invitations (their links' secrets): invitees sign up through the link."""
    from reef.accounts.people import invitation_create
    from reef.directory.models import Country
    from tests_support.world import persona

    focal_point = persona("focal_point")
    grenada = Country.objects.get(code="GD")
    return [
        invitation_create(
            actor=focal_point,
            email=f"invitee-{stamp}-{n:04d}@bench.reef.invalid",
            role="viewer",
            country=grenada,
        )[1]
        for n in range(int(os.environ.get("LOAD_INVITATIONS", "150")))
    ]


if __name__ == "__main__":
    main()
