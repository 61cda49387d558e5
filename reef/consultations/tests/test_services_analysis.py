"""The opinion analysis: queued by writes, incremental from the stored state, the map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reef.consultations import selectors, services
from reef.consultations.models import Consultation, Sector
from reef.consultations.tests.helpers import accepted, community_consultation, join
from reef.directory.models import Organisation

pytestmark = pytest.mark.django_db

LONDON = Path(__file__).resolve().parent / "data" / "polis" / "london.youth.policing"


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


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


def test_opinion_map_scales_and_samples() -> None:
    people = [{"id": i, "group": i % 2, "x": float(i), "y": -float(i)} for i in range(7000)]
    points = selectors.opinion_map({"result": {"participants": people}}, me=6999)
    assert len(points) <= selectors.MAP_MAX_POINTS + 1
    assert any(p.me for p in points)
    assert all(0 <= p.x <= 320 and 0 <= p.y <= 320 for p in points)
