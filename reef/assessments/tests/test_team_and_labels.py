"""Team by verified address (issue 13, item 12) and the labels of what an assessment
derives (issue 12: rating -> result, assessment -> report never widen the audience)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from reef.assessments import report, selectors, services
from reef.assessments.models import Assessment, Decision, Rating, Status, Target
from reef.assessments.tests.helpers import build, example_framework, verify_addresses
from reef.assessments.tests.test_import_export import DOC
from reef.core.errors import ServiceError
from reef.core.tlp import ORDER, TLP
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def test_unverified_address_cannot_join_a_team(users: dict[str, Any]) -> None:
    """Whoever registers someone else's address first does not get their place on a team."""
    a = build(users, until=Status.ACCEPTED)
    make_user(email="victim@ministry.example", verified=False)  # the squatter
    verify_addresses(users["coordinator"])
    with pytest.raises(ServiceError, match=r"victim@ministry\.example") as err:
        services.assessment_assign_team_by_email(
            actor=users["coordinator"],
            assessment=a,
            emails=[users["coordinator"].email, "victim@ministry.example"],
            lead_email=users["coordinator"].email,
        )
    assert "verified" in err.value.message
    a.refresh_from_db()
    assert a.status == Status.ACCEPTED and not a.team.exists()
    # An account with no e-mail record at all is refused the same way.
    EmailAddress.objects.filter(user=users["expert"]).delete()
    with pytest.raises(ServiceError, match="verified"):
        services.assessment_assign_team_by_email(
            actor=users["coordinator"],
            assessment=a,
            emails=[users["coordinator"].email, users["expert"].email],
            lead_email=users["coordinator"].email,
        )
    # Once verified, the address joins.
    verify_addresses(users["expert"])
    services.assessment_assign_team_by_email(
        actor=users["coordinator"],
        assessment=a,
        emails=[users["coordinator"].email, users["expert"].email.upper()],
        lead_email=users["coordinator"].email,
        roles={users["expert"].email.upper(): "criminal_justice"},
    )
    a.refresh_from_db()
    assert a.status == Status.RATING
    assert set(a.team.all()) == {users["coordinator"], users["expert"]}


def test_team_page_refuses_an_unverified_address(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.ACCEPTED)
    verify_addresses(users["coordinator"])
    EmailAddress.objects.filter(user=users["expert"]).update(verified=False)
    response = clients["coordinator"].post(
        f"/assessments/{a.pk}/team/",
        {
            "members": f"{users['coordinator'].email}, {users['expert'].email}",
            "lead": users["coordinator"].email,
        },
        follow=True,
    )
    assert b"verified" in response.content
    a.refresh_from_db()
    assert a.status == Status.ACCEPTED
    # Who may not assign a team learns nothing about the addresses: 403.
    outsider = clients["focal_point"].post(
        f"/assessments/{a.pk}/team/",
        {"members": users["expert"].email, "lead": users["expert"].email},
    )
    assert outsider.status_code == 403


def _not_wider(label: str, than: str) -> bool:
    return ORDER.index(TLP(label)) >= ORDER.index(TLP(than))


def test_parts_and_results_never_wider_than_the_assessment(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.ACCEPTED)
    Assessment.objects.filter(pk=a.pk).update(tlp=TLP.RED)
    a = Assessment.objects.get(pk=a.pk)
    services.assessment_assign_team(
        actor=users["coordinator"],
        assessment=a,
        members=[users["coordinator"], users["expert"]],
        lead=users["coordinator"],
        roles={users["expert"].pk: "criminal_justice"},
    )
    rating = services.rating_submit(
        actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="met"
    )
    assert rating.tlp == TLP.RED
    services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    decision = services.decision_record(
        actor=users["coordinator"], assessment=a, indicator="P.1.a.2.1", value="met", note="ok"
    )
    assert decision.tlp == TLP.RED
    # The result (rating -> result) and the report (assessment -> report) keep the label.
    assert selectors.assessment_export(a)["tlp"] == TLP.RED
    assert report.report_context(users["coordinator"], a)["tlp"] == TLP.RED


def test_imported_parts_take_the_assessments_label(world: None, tmp_path: Path) -> None:
    example_framework()
    for label in (TLP.CLEAR, TLP.AMBER, TLP.RED):
        path = tmp_path / "a.json"
        path.write_text(json.dumps({**DOC, "tlp": label, "cycle": f"c-{label}"}))
        out = StringIO()
        call_command("assessment", "import", str(path), stdout=out)
        a = Assessment.objects.get(pk=int(out.getvalue()))
        parts = [
            *Rating.objects.filter(assessment=a),
            *Decision.objects.filter(assessment=a),
            *Target.objects.filter(assessment=a),
        ]
        assert parts and all(_not_wider(p.tlp, a.tlp) for p in parts), label
        assert selectors.assessment_export(a)["tlp"] == label
