"""The (source, derived) record builders of test_derivation.py: for each declared
derivation (reef/core/derivation.py), a source and a record derived from it through the
real service, asking for a wider label where the service allows one. `BUILDERS` maps
each derivation's name to its builder. Not a test module (pytest collects only
test_*.py); kept apart so that the tests stay short."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from reef.core import sharing
from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation

type Pair = tuple[Any, Any]


def _fresh(record: Any) -> Any:
    return type(record)._base_manager.get(pk=record.pk)


def _raise(record: Any, tlp: str) -> Any:
    record = _fresh(record)
    sharing.record_set_label(actor=DEMO, record=record, tlp=tlp, expected_version=record.version)
    return _fresh(record)


def _gd() -> Country:
    return Country.objects.get(code="GD")


# --- sources -------------------------------------------------------------------------


def _assessment(users: dict[str, Any], until: str = "requested", **kw: Any) -> Any:
    from reef.assessments.tests.helpers import build

    return build(users, until=until, **kw)


def _plan(users: dict[str, Any], tlp: str = TLP.AMBER) -> Any:
    from reef.planning import services

    return services.plan_create(
        actor=users["focal_point"],
        country=_gd(),
        title="Grenada plan",
        cycle="2026-2028",
        tlp=tlp,
        start=dt.date(2026, 1, 1),
        end=dt.date(2028, 12, 31),
    )


def _need(users: dict[str, Any], tlp: str = TLP.AMBER) -> Any:
    from reef.planning import services

    return services.need_create(
        actor=users["focal_point"],
        plan=_plan(users, tlp),
        area="incident-response",
        title="A national CSIRT",
        tlp=tlp,
    )


def _action(users: dict[str, Any], need: Any, lead: str = "oas", tlp: str | None = None) -> Any:
    from reef.planning import services

    return services.action_create(
        actor=users["focal_point"],
        need=need,
        title=f"Incident handling training ({lead})",
        lead_organisation=Organisation.objects.get(slug=lead),
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 9, 30),
        tlp=tlp,
    )


def _commitment(users: dict[str, Any], need: Any, tlp: str | None = None) -> Any:
    from reef.planning import services

    return services.commitment_offer(
        actor=DEMO,
        need=need,
        organisation=Organisation.objects.get(slug="oas"),
        amount="1000",
        tlp=tlp,
    )


def _event(tlp: str = TLP.AMBER) -> Any:
    from reef.records import services

    start = dt.date.today() + dt.timedelta(days=30)
    return services.event_create(
        actor=DEMO,
        slug=f"derived-{tlp.lower().replace(':', '-').replace('+', '-')}",
        title="Workshop",
        start_date=start,
        end_date=start,
        owner_country=_gd(),
        country=_gd(),
        tlp=tlp,
    )


def _publication(users: dict[str, Any], link: dict[str, Any], **kw: Any) -> Any:
    from reef.records import services

    return services.publication_create(
        actor=users["focal_point"],
        title="Derived publication",
        owner_country=_gd(),
        links=[link],
        **kw,
    )


def _consultation(users: dict[str, Any]) -> Any:
    from reef.consultations.tests.helpers import community_consultation

    return community_consultation(users["coordinator"])


def _joined(users: dict[str, Any]) -> tuple[Any, Any]:
    from reef.consultations.tests.helpers import join

    c = _consultation(users)
    return c, join(users["expert"], c)


# --- builders: (source, derived) ------------------------------------------------------


def gap_to_need(users: dict[str, Any]) -> Pair:
    from reef.planning import services

    assessment = _raise(_assessment(users), TLP.AMBER_STRICT)
    need = services.need_create_from_gap(
        actor=users["focal_point"],
        country=_gd(),
        gap={"factor_key": "P.1", "aspect_key": "P.1.a", "missing": ["P.1.a.1"]},
        framework=assessment.framework.slug,
        assessment_id=assessment.pk,
        plan=_plan(users, TLP.GREEN),
        tlp=TLP.GREEN,  # asked wider than the assessment: raised
    )
    return assessment, need


def assessment_to_report(users: dict[str, Any]) -> Pair:
    from reef.records.models import Publication

    assessment = _raise(_assessment(users), TLP.AMBER_STRICT)
    report = _publication(
        users,
        {"kind": "assessment", "id": assessment.pk, "title": "Needs assessment"},
        kind=Publication.Kind.ASSESSMENT_REPORT,
        assessment=assessment,
        tlp=TLP.CLEAR,
    )
    return assessment, report


def consultation_to_publication(users: dict[str, Any]) -> Pair:
    from reef.consultations.tests.helpers import hidden_consultation

    consultation = hidden_consultation(users["focal_point"])  # AMBER+STRICT
    # A wider label is refused outright at creation (records' own test); at its source's.
    publication = _publication(
        users, {"kind": "consultation", "id": consultation.pk, "title": "C"}, tlp=TLP.AMBER_STRICT
    )
    return consultation, publication


def planning_to_publication(users: dict[str, Any]) -> Pair:
    need = _need(users, TLP.AMBER)
    publication = _publication(users, {"kind": "need", "id": need.pk, "title": "N"}, tlp=TLP.CLEAR)
    return need, publication


def _consolidating(users: dict[str, Any]) -> tuple[Any, Any]:
    from reef.assessments.models import Rating

    assessment = _assessment(users, until="consolidation")
    rating = Rating.objects.filter(assessment=assessment).first()
    assert rating is not None
    return assessment, rating


def rating_to_decision(users: dict[str, Any]) -> Pair:
    from reef.assessments import services

    assessment, rating = _consolidating(users)
    rating = _raise(rating, TLP.RED)
    decision = services.decision_record(
        actor=users["coordinator"],
        assessment=assessment,
        indicator=rating.indicator,
        value="partial",
        note="Seen part of it.",
    )
    return rating, decision


def rating_to_result(users: dict[str, Any]) -> Pair:
    _, rating = _consolidating(users)
    return rating, rating.assessment


def assessment_to_rating(users: dict[str, Any]) -> Pair:
    from reef.assessments import services

    assessment = _assessment(users, until="rating")
    rating = services.rating_submit(
        actor=users["expert"],
        assessment=assessment,
        indicator=assessment.framework.indicators.first(),
        value="met",
    )
    return assessment, rating


def assessment_to_decision(users: dict[str, Any]) -> Pair:
    from reef.assessments import services

    assessment, rating = _consolidating(users)
    decision = services.decision_record(
        actor=users["coordinator"],
        assessment=assessment,
        indicator=rating.indicator,
        value="met",
        note="Agreed.",
    )
    return assessment, decision


def assessment_to_target(users: dict[str, Any]) -> Pair:
    from reef.assessments.models import Target

    assessment = _assessment(users, until="complete")
    target = Target.objects.filter(assessment=assessment).first()
    return assessment, target


def assessment_to_session(users: dict[str, Any]) -> Pair:
    from reef.assessments import services

    assessment = _assessment(users, until="rating")
    session = services.session_record(
        actor=users["coordinator"],
        assessment=assessment,
        cluster="government",
        held_on=dt.date(2026, 2, 1),
        participants={"government": 4},
    )
    return assessment, session


def plan_to_risk(users: dict[str, Any]) -> Pair:
    from reef.planning import services

    plan = _plan(users, TLP.AMBER)
    risk = services.risk_create(
        actor=users["focal_point"],
        plan=plan,
        category="funding",
        description="Funding may stop",
        likelihood=3,
        impact=3,
    )
    return plan, risk


def plan_to_priority_change(users: dict[str, Any]) -> Pair:
    from reef.planning import services

    need = _need(users, TLP.AMBER)
    change = services.plan_prioritise(actor=users["focal_point"], plan=need.plan)
    return need.plan, change


def need_to_action(users: dict[str, Any]) -> Pair:
    need = _need(users, TLP.AMBER)
    return need, _action(users, need, tlp=TLP.GREEN)


def need_to_commitment(users: dict[str, Any]) -> Pair:
    need = _need(users, TLP.AMBER)
    return need, _commitment(users, need, tlp=TLP.GREEN)


def action_to_milestone(users: dict[str, Any]) -> Pair:
    from reef.planning import services

    action = _action(users, _need(users, TLP.AMBER))
    milestone = services.milestone_create(
        actor=users["focal_point"], action=action, title="Course held", due=dt.date(2026, 6, 1)
    )
    return action, milestone


def commitment_to_event(users: dict[str, Any]) -> Pair:
    from reef.planning.models import CommitmentEvent

    commitment = _commitment(users, _need(users, TLP.AMBER))
    event = CommitmentEvent.objects.filter(commitment=commitment).first()
    return commitment, event


def efforts_to_twinning(users: dict[str, Any]) -> Pair:
    from reef.planning import services

    need = _need(users, TLP.AMBER)
    a = _action(users, need, "oas")
    b = _action(users, need, "coe")
    link = services.twinning_link(
        actor=users["focal_point"], a_ref=f"action:{a.pk}", b_ref=f"action:{b.pk}"
    )
    return a, link


def event_to_participant(users: dict[str, Any]) -> Pair:
    from reef.records import services

    event = _event()
    return event, services.participant_add(
        actor=DEMO, event=event, name="A participant", sector="government"
    )


def event_to_session(users: dict[str, Any]) -> Pair:
    from reef.records import services

    event = _event()
    return event, services.session_add(actor=DEMO, event=event, title="Opening")


def event_to_file(users: dict[str, Any]) -> Pair:
    from reef.records import services

    event = _event()
    upload = SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    return event, services.event_file_add(
        actor=DEMO, event=event, upload=upload, kind="presentation", title="Slides"
    )


def event_to_outcome(users: dict[str, Any]) -> Pair:
    from reef.records import services

    event = _event()
    return event, services.outcome_add(actor=DEMO, event=event, text="Agreed")


def consultation_to_participant(users: dict[str, Any]) -> Pair:
    return _joined(users)


def consultation_to_statement(users: dict[str, Any]) -> Pair:
    from reef.consultations.tests.helpers import accepted

    c = _consultation(users)
    return c, accepted(users["coordinator"], c, "Train more incident handlers.")


def consultation_to_vote(users: dict[str, Any]) -> Pair:
    from reef.consultations import services
    from reef.consultations.tests.helpers import accepted

    c, _p = _joined(users)
    statement = accepted(users["coordinator"], c, "Train more incident handlers.")
    return c, services.vote_cast(actor=users["expert"], statement=statement, value=1)


def _delphi(users: dict[str, Any]) -> tuple[Any, Any]:
    from reef.consultations import services

    c, _p = _joined(users)
    return c, services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="Round 1", items=["Priority A"]
    )


def consultation_to_delphi_round(users: dict[str, Any]) -> Pair:
    return _delphi(users)


def consultation_to_delphi_item(users: dict[str, Any]) -> Pair:
    from reef.consultations.models import DelphiItem

    c, round_ = _delphi(users)
    return c, DelphiItem.objects.filter(round=round_).first()


def consultation_to_delphi_response(users: dict[str, Any]) -> Pair:
    from reef.consultations import services
    from reef.consultations.models import DelphiItem

    c, round_ = _delphi(users)
    item = DelphiItem.objects.filter(round=round_).first()
    assert item is not None
    responses = services.delphi_respond(actor=users["expert"], round=round_, ratings={item.pk: 3})
    return c, responses[0]


def _section(users: dict[str, Any]) -> tuple[Any, Any]:
    from reef.consultations.tests.helpers import section

    c, _p = _joined(users)
    return c, section(users["coordinator"], c)


def consultation_to_section(users: dict[str, Any]) -> Pair:
    return _section(users)


def consultation_to_section_comment(users: dict[str, Any]) -> Pair:
    from reef.consultations import services

    c, s = _section(users)
    return c, services.section_comment_add(actor=users["expert"], section=s, body="Agreed.")


def consultation_to_amendment(users: dict[str, Any]) -> Pair:
    from reef.consultations import services

    c, s = _section(users)
    return c, services.amendment_propose(actor=users["expert"], section=s, proposed_text="Better.")


BUILDERS: dict[str, Callable[[dict[str, Any]], Pair]] = {
    "gap -> need": gap_to_need,
    "assessment -> report": assessment_to_report,
    "consultation -> publication": consultation_to_publication,
    "plan, need, action -> publication": planning_to_publication,
    "rating -> decision": rating_to_decision,
    "rating -> result": rating_to_result,
    "assessment -> rating": assessment_to_rating,
    "assessment -> decision": assessment_to_decision,
    "assessment -> target": assessment_to_target,
    "assessment -> stakeholdersession": assessment_to_session,
    "plan -> risk": plan_to_risk,
    "plan -> prioritychange": plan_to_priority_change,
    "need -> action": need_to_action,
    "need -> commitment": need_to_commitment,
    "action -> milestone": action_to_milestone,
    "commitment -> commitmentevent": commitment_to_event,
    "two efforts -> twinning link": efforts_to_twinning,
    "event -> participant": event_to_participant,
    "event -> session": event_to_session,
    "event -> eventfile": event_to_file,
    "event -> outcome": event_to_outcome,
    "consultation -> participant": consultation_to_participant,
    "consultation -> statement": consultation_to_statement,
    "consultation -> vote": consultation_to_vote,
    "consultation -> delphiround": consultation_to_delphi_round,
    "consultation -> delphiitem": consultation_to_delphi_item,
    "consultation -> delphiresponse": consultation_to_delphi_response,
    "consultation -> section": consultation_to_section,
    "consultation -> sectioncomment": consultation_to_section_comment,
    "consultation -> amendment": consultation_to_amendment,
}
