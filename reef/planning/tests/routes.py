"""Route samples of planning for the generated authorisation test.

The world: an AMBER national plan of Grenada (focal point manages it, the CARICOM
coordinator sees it), one AMBER need shared with the OAS (so the donor sees it),
two actions on it (OAS and CoE), an OAS commitment, and an AMBER regional plan of
CARICOM IMPACS (only its members see it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reef.core.rules import DEMO
from reef.core.tests.routes import EVERYONE, Sample, only
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation
from reef.planning import services


# The world, then a sample per route of the app: one table, long by nature.
def samples(users: dict[str, Any]) -> dict[str, Sample]:
    gd = Country.objects.get(code="GD")
    oas = Organisation.objects.get(slug="oas")
    coe = Organisation.objects.get(slug="coe")
    plan = services.plan_create(
        actor=DEMO,
        country=gd,
        title="Grenada plan (routes)",
        cycle="2099-2100",
        tlp=TLP.AMBER,
    )
    need = services.need_create(
        actor=DEMO,
        plan=plan,
        area="legal-environment",
        title="Prosecutors trained in electronic evidence",
        cost_amount="1000",
        shared_with=[oas],
    )
    action = services.action_create(
        actor=DEMO,
        need=need,
        title="Electronic evidence course",
        lead_organisation=oas,
        start=date(2099, 1, 1),
        end=date(2099, 6, 30),
    )
    other = services.action_create(
        actor=DEMO,
        need=need,
        title="Electronic evidence course",
        lead_organisation=coe,
        start=date(2099, 2, 1),
        end=date(2099, 8, 30),
    )
    milestone = services.milestone_create(
        actor=DEMO, action=action, title="Course designed", due=date(2099, 3, 1)
    )
    commitment = services.commitment_offer(actor=DEMO, need=need, organisation=oas, amount="500")
    risk = services.risk_create(
        actor=DEMO,
        plan=plan,
        category="funding",
        description="Budget cut",
        likelihood=2,
        impact=4,
    )
    regional = services.plan_create(
        actor=DEMO,
        organisation=Organisation.objects.get(slug="caricom-impacs"),
        grouping=Grouping.objects.get(slug="caricom"),
        title="Regional plan (routes)",
        cycle="2099-2100",
        tlp=TLP.AMBER,
    )
    plan_readers = ["focal_point", "coordinator"]
    need_readers = ["focal_point", "coordinator", "donor"]

    def post(ok: list[str], forbidden: list[str], readers: list[str]) -> dict[str, int]:
        result = {name: 404 for name in EVERYONE}
        result["anonymous"] = 302
        for name in readers:
            result[name] = 302 if name in ok else 403 if name in forbidden else 404
        return result

    p = {"pk": plan.pk}
    return {
        "planning:plan_detail": Sample(kwargs=p, expect=only(plan_readers)),
        "planning:plan_priorities": Sample(kwargs=p, expect=only(plan_readers)),
        "planning:plan_timeline": Sample(kwargs=p, expect=only(plan_readers)),
        "planning:plan_risks": Sample(kwargs=p, expect=only(plan_readers)),
        "planning:plan_export": Sample(
            kwargs={"pk": plan.pk, "fmt": "json"}, expect=only(plan_readers)
        ),
        "planning:plan_prioritise": Sample(
            kwargs=p,
            method="post",
            data={"reason": "x"},
            expect=post(["focal_point"], ["coordinator"], plan_readers),
        ),
        "planning:plan_move": Sample(
            kwargs=p,
            method="post",
            data={"need": need.pk, "position": 1, "reason": "why"},
            expect=post(["focal_point"], ["coordinator"], plan_readers),
        ),
        "planning:plan_confirm": Sample(
            kwargs=p,
            method="post",
            data={"reason": "agreed"},
            expect=post(["focal_point"], ["coordinator"], plan_readers),
        ),
        "planning:plan_weights": Sample(
            kwargs=p,
            method="post",
            data={"impact": "5", "urgency": "3", "feasibility": "1", "cost": "1"},
            expect=post(["focal_point"], ["coordinator"], plan_readers),
        ),
        "planning:risk_create": Sample(
            kwargs=p,
            method="post",
            data={
                "category": "change_of_government",
                "description": "Elections",
                "likelihood": 3,
                "impact": 4,
            },
            expect=post(["focal_point"], ["coordinator"], plan_readers),
        ),
        "planning:need_new": Sample(
            kwargs=p, expect={**only(["focal_point"]), "anonymous": 302, "coordinator": 403}
        ),
        "planning:need_detail": Sample(kwargs={"pk": need.pk}, expect=only(need_readers)),
        "planning:need_rate": Sample(
            kwargs={"pk": need.pk},
            method="post",
            data={"impact": 5, "urgency": 5, "feasibility": 2, "cost_rating": 3},
            # The donor sees the shared need but not its AMBER plan: 404, like the plan.
            expect=post(["focal_point"], ["coordinator"], plan_readers),
        ),
        # Editing: the plan's editors; the coordinator sees the plan (403), the donor sees
        # the shared need and its action but not the AMBER plan (404, like need_rate).
        "planning:need_edit": Sample(
            kwargs={"pk": need.pk},
            expect={**only(["focal_point"]), "anonymous": 302, "coordinator": 403},
        ),
        "planning:need_publish": Sample(
            kwargs={"pk": need.pk},
            method="post",
            data={"version": need.version},
            expect=post(["focal_point"], ["coordinator"], plan_readers),
        ),
        "planning:action_sustainability": Sample(
            kwargs={"pk": action.pk},
            expect={**only(["focal_point"]), "anonymous": 302, "coordinator": 403},
        ),
        "planning:risk_edit": Sample(
            kwargs={"pk": risk.pk},
            expect={**only(["focal_point"]), "anonymous": 302, "coordinator": 403},
        ),
        "planning:need_offer": Sample(
            kwargs={"pk": need.pk},
            method="post",
            data={"organisation": "oas", "kind": "money", "amount": "1000", "currency": "USD"},
            expect=post(["donor"], ["focal_point", "coordinator"], need_readers),
        ),
        "planning:action_create": Sample(
            kwargs={"pk": need.pk},
            method="post",
            data={
                "title": "Workshop",
                "start": "2099-01-01",
                "end": "2099-01-02",
                "budget_currency": "USD",
                "delivery": "one_off_event",
                "is_training": "on",
            },
            expect=post(["focal_point"], ["coordinator", "donor"], need_readers),
        ),
        "planning:action_detail": Sample(kwargs={"pk": action.pk}, expect=only(need_readers)),
        "planning:action_progress": Sample(
            kwargs={"pk": action.pk},
            method="post",
            data={"status": "in_progress", "progress": 10},
            expect=post(["focal_point", "donor"], ["coordinator"], need_readers),
        ),
        "planning:milestone_create": Sample(
            kwargs={"pk": action.pk},
            method="post",
            data={"title": "Trainers certified", "due": "2099-05-01"},
            expect=post(["focal_point", "donor"], ["coordinator"], need_readers),
        ),
        "planning:milestone_done": Sample(
            kwargs={"pk": milestone.pk},
            method="post",
            expect=post(["focal_point", "donor"], ["coordinator"], need_readers),
        ),
        "planning:commitment_detail": Sample(
            kwargs={"pk": commitment.pk}, expect=only(need_readers)
        ),
        "planning:commitment_transition": Sample(
            kwargs={"pk": commitment.pk},
            method="post",
            data={"to": "in_progress"},
            expect=post(["focal_point", "donor"], ["coordinator"], need_readers),
        ),
        "planning:regional": Sample(kwargs={"pk": regional.pk}, expect=only(["coordinator"])),
        # Filters never hide the page: everyone gets the needs they may see that match.
        "planning:need_list": Sample(
            query="country=GD&area=legal-environment&funding=unfunded&priority=5",
            expect={name: 200 for name in EVERYONE},
        ),
        "planning:my_commitments": Sample(
            expect={name: 302 if name == "anonymous" else 200 for name in EVERYONE}
        ),
        "planning:twinning_link": Sample(
            method="post",
            data={"a_ref": f"action:{action.pk}", "b_ref": f"action:{other.pk}"},
            expect=post(["focal_point", "coordinator", "donor"], [], need_readers),
        ),
    }
