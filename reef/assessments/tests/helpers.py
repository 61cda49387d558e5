"""Building assessments in a given workflow state, for tests."""

from __future__ import annotations

from typing import Any

from reef.accounts.models import User
from reef.assessments import services
from reef.assessments.models import Assessment, Status
from reef.core.rules import DEMO
from reef.directory.models import Country
from reef.frameworks import formats
from reef.frameworks import services as framework_services
from reef.frameworks.models import Framework
from tests_support.world import make_user

EXAMPLES = formats.SHIPPED_DIR.parent / "examples"


def example_framework(kind: str = "staged") -> Framework:
    slug = f"example-{kind}"
    fw = Framework.objects.filter(slug=slug).first()
    if fw is None:
        fw = framework_services.framework_import(
            actor=DEMO, source=EXAMPLES / f"{kind}-example.json"
        )
    return fw


def build(
    users: dict[str, Any],
    *,
    until: str = Status.RATING,
    kind: str = "staged",
    cycle: str = "2026",
    extra_assessor: User | None = None,
    ratings: dict[str, list[str]] | None = None,
) -> Assessment:
    """A Grenada assessment: requested by the focal point, accepted by the coordinator,
    team = coordinator (lead) + expert (+ extra), moved forward up to `until`."""
    fw = example_framework(kind)
    gd = Country.objects.get(code="GD")
    a = services.assessment_request(
        actor=users["focal_point"], country=gd, framework=fw, cycle=cycle
    )
    if until == Status.REQUESTED:
        return a
    services.assessment_accept(actor=users["coordinator"], assessment=a)
    if until == Status.ACCEPTED:
        return a
    team = [users["coordinator"], users["expert"]]
    if extra_assessor is not None:
        team.append(extra_assessor)
    services.assessment_assign_team(
        actor=users["coordinator"],
        assessment=a,
        members=team,
        lead=users["coordinator"],
        roles={users["expert"].pk: "criminal_justice"},
    )
    by_user = {"coordinator": users["coordinator"], "expert": users["expert"]}
    for who, values in (ratings or {}).items():
        keys = [i.key for i in fw.indicators.order_by("position")]
        services.ratings_bulk_submit(
            actor=by_user[who],
            assessment=a,
            ratings=[(k, v, "") for k, v in zip(keys, values, strict=False)],
        )
    if until == Status.RATING:
        return a
    if not ratings:
        services.rating_submit(
            actor=users["expert"],
            assessment=a,
            indicator=fw.indicators.first().key,  # type: ignore[union-attr]
            value="met",
            evidence_text="Seen the mandate letter.",
        )
    services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    if until == Status.CONSOLIDATION:
        return a
    services.assessment_finish_consolidation(actor=users["coordinator"], assessment=a)
    if until == Status.TARGETS:
        return a
    first = "P.1.a" if kind == "staged" else "legal"
    services.target_set(actor=users["coordinator"], assessment=a, targets={first: 3})
    services.assessment_agree_targets(actor=users["focal_point"], assessment=a)
    return a


def other_user() -> User:
    return make_user()


def verify_addresses(*users: User) -> None:
    """Mark each user's address verified (allauth), as confirming it by e-mail would."""
    from allauth.account.models import EmailAddress

    for user in users:
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )


def with_gaps(users: dict[str, Any], cycle: str = "2026") -> Assessment:
    """A complete staged assessment with a target on every aspect, each a different distance
    above where it stands (targets 5, 4, 3 in the framework's order): three gaps."""
    from reef.frameworks.selectors import parsed

    a = build(users, until=Status.TARGETS, cycle=cycle)
    keys = [asp.key for asp in parsed(a.framework).aspects]
    services.target_set(
        actor=users["coordinator"],
        assessment=a,
        targets={k: 5 - n for n, k in enumerate(keys[:3])},
    )
    services.assessment_agree_targets(actor=users["focal_point"], assessment=a)
    a.refresh_from_db()
    return a
