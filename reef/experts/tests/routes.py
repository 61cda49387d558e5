"""Route samples of the expert network for the generated authorisation test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reef.core.tests.routes import EVERYONE, Sample, only
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation
from reef.experts.models import (
    ExpertProfile,
    MissionRequest,
    Proposal,
    ReviewAssignment,
    ReviewRound,
    TeamMember,
)

POST_ONLY = {name: (302 if name == "anonymous" else 405) for name in EVERYONE}


def samples(users: dict[str, Any]) -> dict[str, Sample]:  # one record per route, built in order
    gd = Country.objects.get(code="GD")
    tt = Country.objects.get(code="TT")
    # A private (TLP:AMBER) profile in Grenada, without an account.
    private = ExpertProfile.objects.create(
        name="Route sample expert (illustrative)",
        sector="academia",
        country=gd,
        tlp=TLP.AMBER,
        owner_country=gd,
    )
    # The expert persona's own profile (TLP:AMBER, Trinidad and Tobago).
    own, _ = ExpertProfile.objects.get_or_create(
        user=users["expert"],
        defaults={
            "name": "Expert persona",
            "sector": "private",
            "country": tt,
            "tlp": TLP.AMBER,
            "owner_country": tt,
        },
    )
    mission = MissionRequest.objects.create(
        title="Route sample mission",
        country=gd,
        start=dt.date(2026, 3, 2),
        end=dt.date(2026, 3, 6),
        tlp=TLP.AMBER,
        owner_country=gd,
        status="proposed",
    )
    member = TeamMember.objects.create(
        mission=mission, profile=own, tlp=TLP.AMBER, owner_country=gd, seat="role:technical"
    )
    oas = Organisation.objects.get(slug="oas")
    round_ = ReviewRound.objects.create(
        title="Route sample round",
        grouping=Grouping.objects.get(slug="caricom"),
        opens_on=dt.date(2026, 3, 2),
        closes_on=dt.date(2026, 3, 13),
        tlp=TLP.AMBER,
        owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
        status="open",
    )
    proposal = Proposal.objects.create(
        round=round_,
        title="Route sample programme",
        text="incident response",
        author_organisation=oas,
        tlp=TLP.AMBER,
        owner_organisation=oas,
    )
    assignment = ReviewAssignment.objects.create(
        proposal=proposal,
        reviewer=own,
        tlp=TLP.AMBER,
        owner_organisation=oas,
        status="accepted",
    )
    own_only = only(["expert"], anonymous=302)
    mission_new = {name: 403 for name in EVERYONE}
    mission_new.update({"anonymous": 302, "focal_point": 200, "coordinator": 200, "outsider": 200})
    round_new = {name: 403 for name in EVERYONE}
    round_new.update({"anonymous": 302, "coordinator": 200})
    proposal_new = only(["coordinator"], anonymous=302)
    proposal_new["expert"] = 403  # a reviewer sees the round but does not run it
    return {
        "experts:profile_detail": Sample(
            kwargs={"pk": private.pk}, expect=only(["focal_point", "coordinator"])
        ),
        "experts:growth": Sample(
            kwargs={"pk": private.pk}, expect=only(["focal_point", "coordinator"])
        ),
        "experts:me_availability": Sample(expect=POST_ONLY),
        "experts:me_conflict": Sample(expect=POST_ONLY),
        "experts:me_export": Sample(expect=own_only),
        "experts:me_delete": Sample(expect=own_only),
        "experts:mission_new": Sample(expect=mission_new),
        "experts:mission_detail": Sample(
            kwargs={"pk": mission.pk}, expect=only(["focal_point", "coordinator", "expert"])
        ),
        "experts:mission_propose": Sample(kwargs={"pk": mission.pk}, expect=POST_ONLY),
        "experts:mission_member_add": Sample(kwargs={"pk": mission.pk}, expect=POST_ONLY),
        "experts:mission_member_remove": Sample(
            kwargs={"pk": mission.pk, "member_pk": member.pk}, expect=POST_ONLY
        ),
        "experts:mission_confirm": Sample(kwargs={"pk": mission.pk}, expect=POST_ONLY),
        "experts:round_detail": Sample(
            kwargs={"pk": round_.pk}, expect=only(["coordinator", "expert"])
        ),
        "experts:round_open": Sample(kwargs={"pk": round_.pk}, expect=POST_ONLY),
        "experts:round_assign": Sample(kwargs={"pk": round_.pk}, expect=POST_ONLY),
        "experts:round_close": Sample(kwargs={"pk": round_.pk}, expect=POST_ONLY),
        "experts:round_window": Sample(kwargs={"pk": round_.pk}, expect=POST_ONLY),
        "experts:assignment_respond": Sample(kwargs={"pk": assignment.pk}, expect=POST_ONLY),
        "experts:review_form": Sample(kwargs={"pk": assignment.pk}, expect=own_only),
        "experts:proposal_feedback": Sample(
            kwargs={"pk": proposal.pk}, expect=only(["donor", "coordinator", "expert"])
        ),
        "experts:mentoring_propose": Sample(expect=POST_ONLY),
        "experts:me_availability_remove": Sample(kwargs={"pk": 1}, expect=POST_ONLY),
        "experts:me_conflict_remove": Sample(kwargs={"pk": 1}, expect=POST_ONLY),
        "experts:round_new": Sample(expect=round_new),
        "experts:proposal_new": Sample(kwargs={"pk": round_.pk}, expect=proposal_new),
        # Moved to the shared inbox: signed in or not, a redirect.
        "experts:notifications": Sample(expect={name: 302 for name in EVERYONE}),
    }
