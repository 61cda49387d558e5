"""Commitment state machine through the service: who may make each change, illegal
transitions refused with a clear error, and nothing changed when refused."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import DEMO
from reef.directory.models import Organisation
from reef.planning import services
from reef.planning.models import Commitment, CommitmentEvent, Need

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(users: dict[str, Any], green_need: Need, oas: Organisation) -> Commitment:
    return services.commitment_offer(
        actor=users["donor"],
        need=green_need,
        organisation=oas,
        amount="100000",
        currency="USD",
        description="Incident handling course",
    )


def move(users: dict[str, Any], who: str, c: Commitment, to: str) -> Commitment:
    return services.commitment_transition(actor=users[who], commitment=c, to=to)


def test_full_path_each_step_by_the_right_side(users: dict[str, Any], offered: Commitment):
    assert offered.status == "offered"
    move(users, "focal_point", offered, "accepted")
    assert offered.accepted_on is not None
    move(users, "donor", offered, "in_progress")
    move(users, "donor", offered, "delivered")
    assert offered.delivered_on is not None
    move(users, "focal_point", offered, "verified")
    offered.refresh_from_db()
    assert offered.status == "verified" and offered.verified_on is not None
    history = list(
        CommitmentEvent.objects.filter(commitment=offered).values_list("from_status", "to_status")
    )
    assert history == [
        ("", "offered"),
        ("offered", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "delivered"),
        ("delivered", "verified"),
    ]


@pytest.mark.parametrize(
    ("setup", "who", "to"),
    [
        ([], "donor", "accepted"),  # the pledger may not accept its own offer
        (["accepted"], "focal_point", "in_progress"),  # only the pledger starts
        (["accepted", "in_progress"], "focal_point", "delivered"),  # only the pledger delivers
        (["accepted", "in_progress", "delivered"], "donor", "verified"),  # no self-verification
    ],
)
def test_the_wrong_side_is_refused(
    users: dict[str, Any], offered: Commitment, setup: list[str], who: str, to: str
):
    for step in setup:
        services.commitment_transition(actor=DEMO, commitment=offered, to=step)
    before = offered.status
    with pytest.raises(PermissionDenied, match="Only the"):
        move(users, who, offered, to)
    offered.refresh_from_db()
    assert offered.status == before


@pytest.mark.parametrize(
    ("who", "to"),
    [
        ("focal_point", "verified"),
        ("donor", "delivered"),
        ("donor", "offered"),
        ("focal_point", "nonsense"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_error(
    users: dict[str, Any], offered: Commitment, who: str, to: str
):
    events = CommitmentEvent.objects.count()
    with pytest.raises(ServiceError) as info:
        move(users, who, offered, to)
    assert not isinstance(info.value, PermissionDenied)
    assert "offered" in info.value.message
    offered.refresh_from_db()
    assert offered.status == "offered"
    assert CommitmentEvent.objects.count() == events


def test_either_side_may_withdraw_before_delivery(
    users: dict[str, Any], green_need: Need, oas: Organisation, offered: Commitment
):
    move(users, "donor", offered, "withdrawn")
    assert offered.status == "withdrawn" and offered.withdrawn_on is not None
    other = services.commitment_offer(
        actor=users["donor"], need=green_need, organisation=oas, amount="5", currency="USD"
    )
    move(users, "focal_point", other, "accepted")
    move(users, "focal_point", other, "withdrawn")
    with pytest.raises(ServiceError, match="final status"):
        move(users, "focal_point", other, "accepted")


def test_outsiders_and_other_organisations_may_not_act(users: dict[str, Any], offered: Commitment):
    # The outsider (Barbados) and the expert cannot see the GREEN need's commitment? They
    # can see GREEN records, but speak for neither side.
    for who in ("expert", "outsider", "coordinator"):
        with pytest.raises(PermissionDenied):
            move(users, who, offered, "accepted")
    with pytest.raises(ServiceError) as info:
        move(users, "public", offered, "accepted")  # not in the community: hidden
    assert info.value.code == "not_found"
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_offer_validation(
    users: dict[str, Any], green_need: Need, amber_need: Need, oas: Organisation
):
    count = Commitment.objects.count()
    with pytest.raises(ServiceError, match="amount"):
        services.commitment_offer(
            actor=users["donor"], need=green_need, organisation=oas, kind="money", amount=None
        )
    with pytest.raises(ServiceError, match="currency"):
        services.commitment_offer(
            actor=users["donor"], need=green_need, organisation=oas, amount="10", currency="ZZZ"
        )
    with pytest.raises(ServiceError, match="zero or more"):
        services.commitment_offer(
            actor=users["donor"], need=green_need, organisation=oas, amount="-5"
        )
    with pytest.raises(PermissionDenied):  # the expert does not edit for the OAS
        services.commitment_offer(
            actor=users["expert"], need=green_need, organisation=oas, amount="10"
        )
    with pytest.raises(ServiceError) as info:  # AMBER need not shared with the OAS
        services.commitment_offer(
            actor=users["donor"], need=amber_need, organisation=oas, amount="10"
        )
    assert info.value.code == "not_found"
    assert Commitment.objects.count() == count
    people = services.commitment_offer(
        actor=users["donor"],
        need=green_need,
        organisation=oas,
        kind="people",
        description="Two incident handlers",
    )
    assert people.amount is None


def test_next_steps_follow_the_side(users: dict[str, Any], offered: Commitment):
    assert services.commitment_next_steps(users["focal_point"], offered) == [
        "accepted",
        "withdrawn",
    ]
    assert services.commitment_next_steps(users["donor"], offered) == ["withdrawn"]
    assert services.commitment_next_steps(users["outsider"], offered) == []


def test_transition_pages_and_api(
    users: dict[str, Any], clients: dict[str, Any], offered: Commitment
):
    url = f"/planning/commitments/{offered.pk}/transition/"
    assert clients["donor"].post(url, {"to": "accepted"}).status_code == 403
    assert clients["public"].post(url, {"to": "accepted"}).status_code == 404
    response = clients["focal_point"].post(url, {"to": "accepted"})
    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.status == "accepted"
    api = f"/api/v1/planning/commitments/{offered.pk}/transition"
    bad = clients["donor"].post(api, {"to": "verified"}, content_type="application/json")
    assert bad.status_code == 400 and "accepted" in bad.json()["detail"]
    forbidden = clients["focal_point"].post(
        api, {"to": "in_progress"}, content_type="application/json"
    )
    assert forbidden.status_code == 403
    ok = clients["donor"].post(api, {"to": "in_progress"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
