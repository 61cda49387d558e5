"""Consultation services: votes, windows, rate limits, Delphi, amendments, Polis, reminders."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from reef.consultations import polis_io, selectors, services
from reef.consultations import rules as R
from reef.consultations.models import (
    Amendment,
    Consultation,
    DelphiResponse,
    Participant,
    Participation,
    Section,
    Sector,
    Statement,
    Vote,
)
from reef.consultations.tests.helpers import accepted, community_consultation, join, section
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import WORKER, allowed
from reef.core.tlp import TLP
from reef.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


# ---------------------------------------------------------------- creation and participation


def test_create_validates_and_changes_nothing(users: dict[str, Any]) -> None:
    before = Consultation.objects.count()
    with pytest.raises(ServiceError, match="TLP:CLEAR"):
        community_consultation(users["coordinator"], participation=Participation.PUBLIC)
    with pytest.raises(ServiceError, match="close after"):
        community_consultation(users["coordinator"], closes_at=timezone.now() - timedelta(days=2))
    with pytest.raises(PermissionDenied):
        community_consultation(users["donor"])  # not an editor at IMPACS
    assert Consultation.objects.count() == before


def test_community_members_take_part_others_do_not(c: Consultation, users: dict[str, Any]) -> None:
    assert allowed(R.may_join, users["focal_point"], c)  # Grenada is in CARICOM
    assert allowed(R.may_join, users["expert"], c)  # a Trinidad and Tobago company
    assert not allowed(R.may_join, users["donor"], c)  # OAS: sees GREEN, not in community
    assert not allowed(R.may_join, users["public"], c)  # no role: does not even see it
    with pytest.raises(PermissionDenied):
        join(users["donor"], c)
    with pytest.raises(ServiceError, match="sector"):
        services.participant_join(actor=users["expert"], consultation=c, sector="", country=None)
    assert not Participant.objects.filter(consultation=c).exists()


def test_participant_data_carries_the_consultation_label(
    c: Consultation, users: dict[str, Any]
) -> None:
    p = join(users["expert"], c, sector=Sector.PRIVATE)
    assert (p.tlp, p.owner_organisation_id) == (c.tlp, c.owner_organisation_id)
    assert Participant.objects.for_user(users["public"]).filter(pk=p.pk).count() == 0
    assert Participant.objects.for_user(users["donor"]).filter(pk=p.pk).count() == 1


# ---------------------------------------------------------------- statements and votes


def test_one_vote_per_participant_per_statement(c: Consultation, users: dict[str, Any]) -> None:
    s = accepted(users["coordinator"], c, "Every state needs a CSIRT.")
    p = join(users["expert"], c)
    services.vote_cast(actor=users["expert"], statement=s, value=1)
    services.vote_cast(actor=users["expert"], statement=s, value=-1)
    votes = Vote.objects.filter(statement=s)
    assert votes.count() == 1 and votes.get().value == -1
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(consultation=c, participant=p, statement=s, value=1, tlp=c.tlp)


def test_vote_refuses_bad_input(c: Consultation, users: dict[str, Any]) -> None:
    s = accepted(users["coordinator"], c, "Statement.")
    with pytest.raises(ServiceError, match="Join"):
        services.vote_cast(actor=users["expert"], statement=s, value=1)
    join(users["expert"], c)
    with pytest.raises(ServiceError, match="agree"):
        services.vote_cast(actor=users["expert"], statement=s, value=2)
    pending = services.statement_submit(actor=users["expert"], consultation=c, body="Mine.")
    assert pending.status == Statement.Status.PENDING
    with pytest.raises(ServiceError, match="not open for votes"):
        services.vote_cast(actor=users["expert"], statement=pending, value=1)
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=users["donor"], statement=s, value=1)
    assert not Vote.objects.filter(consultation=c).exists()


def test_moderation_only_by_editors(c: Consultation, users: dict[str, Any]) -> None:
    join(users["expert"], c)
    s = services.statement_submit(actor=users["expert"], consultation=c, body="Add a council.")
    with pytest.raises(PermissionDenied):
        services.statement_moderate(actor=users["expert"], statement=s, status="accepted")
    services.statement_moderate(actor=users["coordinator"], statement=s, status="accepted")
    s.refresh_from_db()
    assert s.status == Statement.Status.ACCEPTED
    with pytest.raises(ServiceError, match="already"):
        services.statement_submit(actor=users["expert"], consultation=c, body="add a council.")


def test_next_statement_fewest_votes_then_priority(c: Consultation, users: dict[str, Any]) -> None:
    a = accepted(users["coordinator"], c, "A")
    b = accepted(users["coordinator"], c, "B")
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    services.vote_cast(actor=users["focal_point"], statement=a, value=1)
    # No analysis yet: the statement with the fewest votes comes first.
    assert selectors.next_statement(users["expert"], c) == b
    services.vote_cast(actor=users["expert"], statement=b, value=1)
    assert selectors.next_statement(users["expert"], c) == a
    services.vote_cast(actor=users["expert"], statement=a, value=0)
    assert selectors.next_statement(users["expert"], c) is None
    c.refresh_from_db()
    analysis = services.consultation_analyse(consultation=c)
    assert set(analysis["priority"]) == {"1", "2"}
    new = accepted(users["coordinator"], c, "C")
    c.refresh_from_db()
    # A statement newer than the analysis comes first for someone who has not voted on it.
    assert selectors.next_statement(users["focal_point"], c) == new


def test_analysis_reports_groups_and_reality(
    c: Consultation, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    s = accepted(users["coordinator"], c, "Everyone agrees.")
    join(users["expert"], c, sector=Sector.PRIVATE)
    # The vote's commit queues the analysis; the immediate backend runs it there and then.
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(actor=users["expert"], statement=s, value=1)
    c.refresh_from_db()
    assert not c.analysis_stale and c.analysed_at is not None
    analysis = c.analysis
    assert analysis["n_votes"] == 1
    assert analysis["result"]["statements"][0]["agree"] == 1
    assert analysis["reality"]["statements"][0]["statement"] == s.number
    assert "civil society" in analysis["reality"]["sectors_not_heard"]


def test_votes_queue_one_analysis_at_a_time(
    c: Consultation,
    users: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from types import SimpleNamespace

    from reef.consultations import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks, "analyse_consultation", SimpleNamespace(enqueue=queued.append))
    s = accepted(users["coordinator"], c, "Statement.")
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(actor=users["expert"], statement=s, value=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(actor=users["focal_point"], statement=s, value=-1)
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_moderate(actor=users["coordinator"], statement=s, status="rejected")
    assert queued == [c.pk]  # one queued for three changes
    c.refresh_from_db()
    assert c.analysis_stale and c.analysis_inputs >= 3
    # The task clears the mark as it starts: the next change queues one more.
    services.analysis_started(consultation_id=c.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_moderate(actor=users["coordinator"], statement=s, status="accepted")
    assert queued == [c.pk, c.pk]
    # A participant's new sector changes the reality report: queued like a vote.
    services.analysis_started(consultation_id=c.pk)
    with django_capture_on_commit_callbacks(execute=True):
        join(users["expert"], c, sector=Sector.ACADEMIA)
    assert queued == [c.pk, c.pk, c.pk]


def test_changes_already_analysed_queue_nothing(
    c: Consultation,
    users: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from reef.consultations import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks, "analyse_consultation", SimpleNamespace(enqueue=queued.append))
    assert services.analysis_enqueue(consultation_id=c.pk) is True  # stale: never analysed
    services.analysis_started(consultation_id=c.pk)
    Consultation.objects.filter(pk=c.pk).update(analysis_stale=False)
    # The callbacks of changes that a run already covered queue nothing.
    assert services.analysis_enqueue(consultation_id=c.pk) is False
    assert queued == [c.pk]


def test_a_polis_import_queues_its_analysis(
    users: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from types import SimpleNamespace

    from reef.consultations import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks, "analyse_consultation", SimpleNamespace(enqueue=queued.append))
    impacs = Organisation.objects.get(slug="caricom-impacs")
    with django_capture_on_commit_callbacks(execute=True):
        c = services.consultation_import_polis(
            actor=users["coordinator"], folder=LONDON, title="London", owner_organisation=impacs
        )
    assert queued == [c.pk]
    c.refresh_from_db()
    assert c.analysis_stale and not c.analysis


def test_incremental_analysis_uses_the_stored_state(
    c: Consultation, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reef.consultations import opinion
    from reef.consultations.models import AnalysisState

    a = accepted(users["coordinator"], c, "A")
    b = accepted(users["coordinator"], c, "B")
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    services.vote_cast(actor=users["expert"], statement=a, value=1)
    first = services.consultation_analyse(consultation=c)
    c.refresh_from_db()
    stored = AnalysisState.objects.get(consultation=c)
    assert stored.analysed_at == c.analysed_at and first["n_votes"] == 1
    assert opinion.state_from_bytes(bytes(stored.state)).keys.shape[0] == 1
    # Another process (nothing in memory) continues from the stored state with the new votes.
    fed: list[list[tuple[Any, Any, int]]] = []
    real_update = opinion.update

    def update(state: Any, votes: Any, **kwargs: Any) -> Any:
        fed.append(list(votes))
        return real_update(state, votes, **kwargs)

    monkeypatch.setattr(opinion, "update", update)
    services.vote_cast(actor=users["expert"], statement=a, value=-1)  # changed
    services.vote_cast(actor=users["focal_point"], statement=b, value=1)  # new
    second = services.consultation_analyse(consultation=c)
    assert sorted(fed[0]) == [(1, 1, -1), (2, 2, 1)]
    assert second["n_votes"] == 2
    c.refresh_from_db()
    assert not c.analysis_stale
    assert AnalysisState.objects.get(consultation=c).analysed_at == c.analysed_at
    # A stored state that cannot be read is replaced by a full fit, never trusted.
    AnalysisState.objects.filter(consultation=c).update(state=b"not a state")
    fed.clear()
    assert services.consultation_analyse(consultation=c)["n_votes"] == 2 and not fed


def test_votes_during_an_analysis_leave_it_stale(
    c: Consultation, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reef.consultations import opinion

    a = accepted(users["coordinator"], c, "A")
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    services.vote_cast(actor=users["expert"], statement=a, value=1)
    real_fit = opinion.fit_replay  # no state yet: the votes' history is replayed

    def fit(*args: Any, **kwargs: Any) -> Any:
        state = real_fit(*args, **kwargs)
        # A vote committed while the analysis runs (outside any transaction).
        services.vote_cast(actor=users["focal_point"], statement=a, value=1)
        return state

    monkeypatch.setattr(opinion, "fit_replay", fit)
    analysis = services.consultation_analyse(consultation=c)
    c.refresh_from_db()
    assert analysis["n_votes"] == 1 and c.analysis_stale


# ---------------------------------------------------------------- windows


def test_window_cannot_be_shortened_once_open(c: Consultation, users: dict[str, Any]) -> None:
    closes = c.closes_at
    with pytest.raises(ServiceError, match="never shortened"):
        services.consultation_set_window(
            actor=users["coordinator"],
            consultation=c,
            opens_at=c.opens_at,
            closes_at=closes - timedelta(hours=1),
        )
    with pytest.raises(ServiceError, match="opening"):
        services.consultation_set_window(
            actor=users["coordinator"],
            consultation=c,
            opens_at=c.opens_at + timedelta(hours=1),
            closes_at=closes,
        )
    with pytest.raises(PermissionDenied):
        services.consultation_set_window(
            actor=users["expert"],
            consultation=c,
            opens_at=c.opens_at,
            closes_at=closes + timedelta(days=1),
        )
    c.refresh_from_db()
    assert c.closes_at == closes
    services.consultation_set_window(
        actor=users["coordinator"],
        consultation=c,
        opens_at=c.opens_at,
        closes_at=closes + timedelta(days=3),
    )
    c.refresh_from_db()
    assert c.closes_at == closes + timedelta(days=3)


def test_open_window_extends_from_what_a_form_sends_back(
    c: Consultation, users: dict[str, Any]
) -> None:
    """A form shows the opening to the second or the minute; sending it back unchanged is
    not moving it (issue 14: extending an open window failed on lost microseconds)."""
    c.opens_at = c.opens_at.replace(second=17, microsecond=123456)
    c.save()
    opened, closes = c.opens_at, c.closes_at
    for shown in (opened.replace(microsecond=0), opened.replace(second=0, microsecond=0), None):
        closes = closes + timedelta(days=1)
        services.consultation_set_window(
            actor=users["coordinator"], consultation=c, opens_at=shown, closes_at=closes
        )
        c.refresh_from_db()
        assert (c.opens_at, c.closes_at) == (opened, closes)
    # The closing sent back at the minute it shows is no shortening either.
    services.consultation_set_window(
        actor=users["coordinator"],
        consultation=c,
        opens_at=None,
        closes_at=closes.replace(second=0, microsecond=0),
    )
    c.refresh_from_db()
    assert c.closes_at == closes
    # A minute earlier is.
    with pytest.raises(ServiceError, match="never shortened"):
        services.consultation_set_window(
            actor=users["coordinator"],
            consultation=c,
            opens_at=None,
            closes_at=closes.replace(second=0, microsecond=0) - timedelta(minutes=1),
        )


def test_window_not_yet_open_may_be_shortened(users: dict[str, Any]) -> None:
    now = timezone.now()
    c = community_consultation(
        users["coordinator"], opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    services.consultation_set_window(
        actor=users["coordinator"],
        consultation=c,
        opens_at=c.opens_at,
        closes_at=now + timedelta(days=5),
    )


def test_nothing_accepted_after_close(c: Consultation, users: dict[str, Any]) -> None:
    s = accepted(users["coordinator"], c, "Statement.")
    join(users["expert"], c)
    sec = section(users["coordinator"], c)
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    s.refresh_from_db()
    sec.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        services.vote_cast(actor=users["expert"], statement=s, value=1)
    with pytest.raises(ServiceError, match="closed"):
        services.section_comment_add(actor=users["expert"], section=sec, body="Late.")
    with pytest.raises(ServiceError, match="closed"):
        services.amendment_propose(actor=users["expert"], section=sec, proposed_text="Late.")
    assert not Vote.objects.filter(consultation=c).exists()


def test_reminders_before_close_once(
    c: Consultation, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    # Closes in a week: too early for the 48-hour reminder.
    assert services.consultation_send_reminders(actor=WORKER) == 0
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() + timedelta(hours=10))
    with django_capture_on_commit_callbacks(execute=True):  # mail leaves after the commit
        assert services.consultation_send_reminders(actor=WORKER) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [users["expert"].email, users["focal_point"].email]
    )
    assert c.title in mail.outbox[0].subject
    assert services.consultation_send_reminders(actor=WORKER) == 0  # once per closing date


# ---------------------------------------------------------------- rate limit


def test_rate_limit_for_public_consultations(users: dict[str, Any]) -> None:
    c = community_consultation(
        users["coordinator"],
        participation=Participation.PUBLIC,
        tlp=TLP.CLEAR,
        votes_per_minute=3,
    )
    statements = [accepted(users["coordinator"], c, f"S{i}") for i in range(5)]
    join(users["public"], c)
    for s in statements[:3]:
        services.vote_cast(actor=users["public"], statement=s, value=1, ip="10.0.0.1")
    with pytest.raises(services.RateLimited):
        services.vote_cast(actor=users["public"], statement=statements[3], value=1, ip="10.0.0.1")
    assert Vote.objects.filter(consultation=c).count() == 3
    # The per-address counter also stops another account on the same address.
    join(users["expert"], c)
    for s in statements[:3]:
        with pytest.raises(services.RateLimited):
            services.vote_cast(actor=users["expert"], statement=s, value=1, ip="10.0.0.1")


# ---------------------------------------------------------------- Delphi


def test_delphi_feedback_hidden_until_first_answers(c: Consultation, users: dict[str, Any]) -> None:
    rnd = services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="Priorities", items=["A", "B", "C"]
    )
    items = list(rnd.items.all())
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    assert not selectors.delphi_feedback_visible(users["expert"], rnd)
    with pytest.raises(selectors.FeedbackHidden):
        selectors.delphi_feedback(users["expert"], rnd)
    with pytest.raises(ServiceError, match="every item"):
        services.delphi_respond(actor=users["expert"], round=rnd, ratings={items[0].pk: 4})
    assert not DelphiResponse.objects.exists()
    with pytest.raises(ServiceError, match="between"):
        services.delphi_respond(actor=users["expert"], round=rnd, ratings={i.pk: 9 for i in items})
    services.delphi_respond(actor=users["expert"], round=rnd, ratings={i.pk: 4 for i in items})
    assert selectors.delphi_feedback_visible(users["expert"], rnd)
    assert not selectors.delphi_feedback_visible(users["focal_point"], rnd)
    services.delphi_respond(
        actor=users["focal_point"], round=rnd, ratings={i.pk: n for n, i in enumerate(items, 2)}
    )
    fb = selectors.delphi_feedback(users["expert"], rnd)
    assert fb.respondents == 2 and fb.items[0].summary.n == 2
    assert fb.kendall is not None
    # A revision keeps the first answer.
    services.delphi_respond(actor=users["expert"], round=rnd, ratings={items[0].pk: 1})
    r = DelphiResponse.objects.get(item=items[0], participant__user=users["expert"])
    assert (r.first_rating, r.rating) == (4, 1)


def test_delphi_second_round_stability(c: Consultation, users: dict[str, Any]) -> None:
    first = services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="R1", items=["A", "B"]
    )
    join(users["expert"], c)
    services.delphi_respond(
        actor=users["expert"], round=first, ratings={i.pk: 4 for i in first.items.all()}
    )
    second = services.delphi_round_create(actor=users["coordinator"], consultation=c, title="R2")
    first.refresh_from_db()
    assert first.status == "closed"
    services.delphi_respond(
        actor=users["expert"], round=second, ratings={i.pk: 4 for i in second.items.all()}
    )
    fb = selectors.delphi_feedback(users["expert"], second)
    assert all(f.change == 0.0 and f.stable for f in fb.items)
    with pytest.raises(ServiceError, match="not open"):
        services.delphi_respond(
            actor=users["expert"], round=first, ratings={i.pk: 4 for i in first.items.all()}
        )


def test_delphi_agreement_band_defaults_by_scale(c: Consultation, users: dict[str, Any]) -> None:
    """The page and the API get the same default: 7-9 on a 1-9 scale, the top two
    points otherwise; a given value wins."""
    coordinator = users["coordinator"]

    def make(title: str, **kwargs: Any) -> int:
        rnd = services.delphi_round_create(
            actor=coordinator, consultation=c, title=title, items=["A", "B"], **kwargs
        )
        return rnd.agree_min

    assert make("Nine", scale=(1, 9), rule="70/15") == 7
    assert make("Five", scale=(1, 5)) == 4
    assert make("Given", scale=(1, 9), agree_min=8) == 8


# ---------------------------------------------------------------- amendments


def test_amendment_decision_needs_reason_and_the_author(
    c: Consultation, users: dict[str, Any]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c, sector=Sector.PRIVATE)
    a = services.amendment_propose(
        actor=users["expert"], section=sec, proposed_text="Better text.", rationale="Clearer."
    )
    with pytest.raises(ServiceError, match="reason"):
        services.amendment_decide(actor=users["coordinator"], amendment=a, accept=True, reason=" ")
    with pytest.raises(PermissionDenied):
        services.amendment_decide(actor=users["expert"], amendment=a, accept=True, reason="Mine.")
    with pytest.raises(PermissionDenied):
        services.amendment_decide(
            actor=users["focal_point"], amendment=a, accept=True, reason="Not the author."
        )
    a.refresh_from_db()
    sec.refresh_from_db()
    assert a.status == Amendment.Status.PENDING and sec.text == "Original text."
    services.amendment_decide(
        actor=users["coordinator"], amendment=a, accept=True, reason="It is clearer."
    )
    a.refresh_from_db()
    sec.refresh_from_db()
    assert a.status == Amendment.Status.ACCEPTED and a.decision_reason == "It is clearer."
    assert sec.text == "Better text."
    with pytest.raises(Conflict):
        services.amendment_decide(
            actor=users["coordinator"], amendment=a, accept=False, reason="Again."
        )


def test_amendment_rejected_with_reason_and_stale_accept(
    c: Consultation, users: dict[str, Any]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c)
    first = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="One.")
    second = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="Two.")
    services.amendment_decide(
        actor=users["coordinator"], amendment=first, accept=True, reason="Fine."
    )
    with pytest.raises(Conflict, match="changed"):
        services.amendment_decide(
            actor=users["coordinator"], amendment=second, accept=True, reason="Fine too."
        )
    services.amendment_decide(
        actor=users["coordinator"],
        amendment=second,
        accept=False,
        reason="Superseded by the first.",
    )
    assert Section.objects.get(pk=sec.pk).text == "One."


def test_stale_amendment_is_flagged_and_accepted_once_rebased(
    c: Consultation, users: dict[str, Any]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c)
    join(users["focal_point"], c)
    first = services.amendment_propose(
        actor=users["focal_point"], section=sec, proposed_text="One."
    )
    second = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="Two.")
    assert not second.is_stale
    with pytest.raises(ServiceError, match="not stale"):
        services.amendment_rebase(actor=users["expert"], amendment=second, proposed_text="2.")
    services.amendment_decide(
        actor=users["coordinator"], amendment=first, accept=True, reason="Fine."
    )
    second.refresh_from_db()
    assert second.is_stale
    # Only its proposer re-bases it; the owner's editors decide, they do not rewrite.
    for other in ("focal_point", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.amendment_rebase(
                actor=users[other], amendment=second, proposed_text="One, and two."
            )
    with pytest.raises(ServiceError, match="same as the section"):
        services.amendment_rebase(actor=users["expert"], amendment=second, proposed_text="One.")
    second.refresh_from_db()
    assert second.is_stale and second.proposed_text == "Two."
    services.amendment_rebase(
        actor=users["expert"], amendment=second, proposed_text="One, and two.", rationale="Both."
    )
    second.refresh_from_db()
    assert not second.is_stale and second.original_text == "One."
    assert AuditEntry.objects.filter(action="amendment_rebase").count() == 1
    services.amendment_decide(
        actor=users["coordinator"], amendment=second, accept=True, reason="Now on the new text."
    )
    assert Section.objects.get(pk=sec.pk).text == "One, and two."
    with pytest.raises(Conflict):
        services.amendment_rebase(actor=users["expert"], amendment=second, proposed_text="3.")


# ---------------------------------------------------------------- Polis import / export

LONDON = Path(__file__).resolve().parent / "data" / "polis" / "london.youth.policing"


def test_polis_round_trip_through_services(users: dict[str, Any], tmp_path: Path) -> None:
    impacs = Organisation.objects.get(slug="caricom-impacs")
    c = services.consultation_import_polis(
        actor=users["coordinator"], folder=LONDON, title="London", owner_organisation=impacs
    )
    original = polis_io.read_export(LONDON)
    assert c.statements.count() == len(original.comments)
    assert c.votes.count() == len(original.final_votes())
    services.consultation_export_polis(actor=users["coordinator"], consultation=c, folder=tmp_path)
    again = polis_io.read_export(tmp_path)

    def votes(export: polis_io.PolisExport) -> set[tuple[Any, Any, int]]:
        return {(cid, vid, v) for _, _, cid, vid, v in export.final_votes().records()}

    assert votes(again) == votes(original)
    assert [(x.id, x.author_id, x.moderated, x.body) for x in again.comments] == sorted(
        [(x.id, x.author_id, x.moderated, x.body) for x in original.comments]
    )
    assert again.participants is not None
    # Importing our own export gives the same consultation again.
    c2 = services.consultation_import_polis(
        actor=users["coordinator"], folder=tmp_path, title="Again", owner_organisation=impacs
    )
    assert c2.votes.count() == c.votes.count()


def test_polis_bad_file_names_line_and_column_and_changes_nothing(
    users: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,d,1,1,0,0,1,Fine\n"
    )
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\n2,d,1,2,yes\n"
    )
    before = Consultation.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.consultation_import_polis(
            actor=users["coordinator"],
            folder=tmp_path,
            title="Bad",
            owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
        )
    assert "line 3" in exc.value.message and "'vote'" in exc.value.message
    assert Consultation.objects.count() == before


def test_polis_export_only_for_editors(
    c: Consultation, users: dict[str, Any], tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        services.consultation_export_polis(actor=users["expert"], consultation=c, folder=tmp_path)
    assert not (tmp_path / "comments.csv").exists()


def test_reminder_task(
    c: Consultation, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from reef.consultations.tasks import send_reminders

    join(users["expert"], c)
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders.enqueue()
    assert result.return_value == 1
    assert [m.to for m in mail.outbox] == [[users["expert"].email]]


def test_opinion_map_scales_and_samples() -> None:
    people = [{"id": i, "group": i % 2, "x": float(i), "y": -float(i)} for i in range(7000)]
    points = selectors.opinion_map({"result": {"participants": people}}, me=6999)
    assert len(points) <= selectors.MAP_MAX_POINTS + 1
    assert any(p.me for p in points)
    assert all(0 <= p.x <= 320 and 0 <= p.y <= 320 for p in points)
