from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reef.accounts.models import Membership
from reef.assessments.models import Status
from reef.assessments.tests.helpers import example_framework
from reef.consultations.models import Consultation
from reef.core.roles import Role
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation
from reef.experts.models import ExpertProfile, Proposal, ReviewAssignment, ReviewRound
from reef.hub import selectors
from reef.hub.tests.world import grenada
from reef.notifications.models import Notification
from tests_support.world import make_user

pytestmark = pytest.mark.django_db

HOME = "/"


def _page(client: Client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_keep_the_public_home(clients: dict[str, Client]) -> None:
    html = _page(clients["anonymous"])
    assert "Cyber security capacity, built together" in html
    assert "Welcome" not in html


def test_focal_point_sees_the_country_cycle_and_decisions(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = grenada(users)
    html = _page(clients["focal_point"])
    assert "Grenada: the country's cycle" in html
    assert reverse("assessments:assessment_detail", args=[gd.assessment.pk]) in html
    assert "waiting for the regional coordinator" in html
    assert reverse("planning:commitment_detail", args=[gd.offer.pk]) in html
    assert reverse("consultations:detail", args=[gd.consultation.pk]) in html
    assert reverse("records:publication_detail", args=[gd.publication.slug]) in html
    assert reverse("hub:country", args=["GD"]) in html
    # Only the offer waits for the state, not the commitment it already accepted.
    cycle = selectors.home_for(users["focal_point"]).cycles[0]
    assert [c.pk for c in cycle.offers] == [gd.offer.pk]


def test_outsider_sees_nothing_of_grenada(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = grenada(users)
    html = _page(clients["outsider"])
    assert "Barbados: the country's cycle" in html
    for title in (gd.assessment.title, gd.need.title, gd.consultation.title, gd.publication.title):
        assert title not in html
    assert reverse("planning:commitment_detail", args=[gd.offer.pk]) not in html


def test_coordinator_sees_the_regions_queue(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = grenada(users)
    html = _page(clients["coordinator"])
    assert "The region's queue" in html
    assert reverse("assessments:assessment_detail", args=[gd.assessment.pk]) in html
    assert "Missions to staff" in html


def test_donor_sees_unfunded_needs_and_own_commitments(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = grenada(users, tlp=TLP.GREEN)
    home = selectors.home_for(users["donor"])
    assert home.funding is not None
    # Offered only: still unfunded. Covered by an accepted commitment: not listed.
    assert [n.pk for n in home.funding.unfunded] == [gd.need.pk]
    assert {c.pk for c in home.funding.commitments} >= {gd.offer.pk}
    html = _page(clients["donor"])
    assert reverse("planning:need_detail", args=[gd.need.pk]) in html
    assert reverse("planning:need_detail", args=[gd.funded.pk]) not in html
    assert "Offered" in html and "Accepted by the state" in html


def test_donor_does_not_see_amber_needs_of_another_country(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = grenada(users, tlp=TLP.AMBER)
    home = selectors.home_for(users["donor"])
    assert home.funding is not None
    assert gd.need.pk not in [n.pk for n in home.funding.unfunded]


def test_expert_sees_invitations_and_left_to_rate(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = grenada(users)
    expert = users["expert"]
    profile = ExpertProfile.objects.filter(user=expert).first() or ExpertProfile.objects.create(
        user=expert,
        name="Expert",
        sector="private",
        country=Country.objects.get(code="TT"),
        tlp=TLP.GREEN,
    )
    round_ = ReviewRound.objects.create(
        title="Round",
        grouping=Grouping.objects.get(slug="caricom"),
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=10),
        tlp=TLP.GREEN,
    )
    proposal = Proposal.objects.create(
        round=round_, title="CSIRT proposal", text="x", tlp=TLP.GREEN
    )
    invited = ReviewAssignment.objects.create(proposal=proposal, reviewer=profile, tlp=TLP.RED)
    gd.assessment.status = Status.RATING
    gd.assessment.save()
    gd.assessment.team.add(expert)
    total = example_framework("staged").indicators.count()
    html = _page(clients["expert"])
    # The invitation opens the round, where it is accepted or declined (a POST form).
    assert reverse("experts:round_detail", args=[round_.pk]) + "#my-invitations" in html
    assert reverse("experts:assignment_respond", args=[invited.pk]) not in html
    assert reverse("assessments:rating_form", args=[gd.assessment.pk]) in html
    assert f"{total} of {total} indicators left" in html


def test_person_without_a_role_is_told_how_to_get_one(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    public = users["public"]
    now = timezone.now()
    invited = Consultation.objects.create(
        title="Named-member review",
        opens_at=now,
        closes_at=now + dt.timedelta(days=5),
        tlp=TLP.RED,
        owner_country=Country.objects.get(code="GD"),
    )
    invited.members.add(public)
    invited.readers.add(public)
    html = _page(clients["public"])
    assert "How to take part" in html
    assert "focal point" in html
    assert reverse("consultations:detail", args=[invited.pk]) in html
    assert "Left to rate" not in html and "cycle" not in html.split("How to take part")[0]


def test_several_roles_see_each_section(users: dict[str, Any]) -> None:
    person = make_user()
    Membership.objects.create(
        user=person, role=Role.MANAGER, country=Country.objects.get(code="GD")
    )
    Membership.objects.create(
        user=person, role=Role.EDITOR, organisation=Organisation.objects.get(slug="oas")
    )
    home = selectors.home_for(person)
    assert [c.country.code for c in home.cycles] == ["GD"]
    assert home.funding is not None
    assert home.sections == 2


def test_unread_notifications_are_listed(users: dict[str, Any], clients: dict[str, Client]) -> None:
    me = users["focal_point"]
    Notification.objects.create(recipient=me, kind="unknown.kind", tlp=TLP.RED, url="/x/")
    Notification.objects.create(
        recipient=users["outsider"], kind="unknown.kind", tlp=TLP.RED, url="/y/"
    )
    home = selectors.home_for(me)
    assert home.unread == 1
    assert len(home.notifications) == 1
    assert "1 unread notification" in _page(clients["focal_point"])


@pytest.mark.parametrize(
    ("persona", "most"),
    [
        # Measured: 18, 19, 17, 13, 12, 17 (session, user, scope and MFA included).
        ("focal_point", 21),
        ("coordinator", 22),
        ("donor", 20),
        ("expert", 16),
        ("public", 15),
        ("outsider", 20),
    ],
)
def test_home_query_count(
    persona: str,
    most: int,
    users: dict[str, Any],
    clients: dict[str, Client],
    django_assert_max_num_queries: Any,
) -> None:
    grenada(users)
    client = clients[persona]
    client.get(HOME)  # session, MFA and caches warmed
    with django_assert_max_num_queries(most):
        assert client.get(HOME).status_code == 200


def test_a_focal_point_finds_the_three_largest_gaps_on_their_home(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    from reef.assessments.tests.helpers import with_gaps

    a = with_gaps(users)
    home = selectors.home_for(users["focal_point"])
    gaps = next(c for c in home.cycles if c.country.code == "GD").gaps
    assert len(gaps) == 3
    distances = [g.distance for g in gaps]
    assert distances == sorted(distances, reverse=True) and distances[0] > 0
    page = _page(clients["focal_point"])
    assert "Largest gaps" in page
    for g in gaps:
        assert f'href="/assessments/{a.pk}/results/#gap-{g.key}"' in page
    assert f'href="/assessments/{a.pk}/report/"' in page
    results = clients["focal_point"].get(f"/assessments/{a.pk}/results/").content.decode()
    assert all(f'id="gap-{g.key}"' in results for g in gaps)
    # Another country's manager has no Grenada card, nor its gaps.
    assert "Largest gaps" not in _page(clients["outsider"])
