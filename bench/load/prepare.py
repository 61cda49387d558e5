"""Prepare a database for load tests and drills: migrate, demo directory and accounts, tokens.

    REEF_DATABASE_URL=... python bench/load/prepare.py TOKENS.json [--scenario SCENARIO.json]

Writes {persona: "Bearer reef_..."} to TOKENS.json (one fresh token per persona).
With --scenario, also builds what voters, assessors and commenters write to (through
the services, as users would): a public consultation with accepted statements and
sections, LOAD_CONTRIBUTORS signed-in participants, and a Grenada assessment in
rating whose team is those participants; SCENARIO.json names them and their tokens.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

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
    from reef.testing import PERSONA_EMAILS, persona

    directory_demo.load(lambda _line: None)
    accounts_demo.load(lambda _line: None)
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
    from reef.testing import persona

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
    assessments.assessment_assign_team(
        actor=coordinator, assessment=assessment, members=team, lead=team[0]
    )
    indicators = list(framework.indicators.values_list("key", flat=True))
    return {
        "consultation": consultation.pk,
        "statements": statements,
        "sections": sections,
        "assessment": assessment.pk,
        "indicators": indicators,
        "contributors": [token for _user, token in contributors],
    }


if __name__ == "__main__":
    main()
