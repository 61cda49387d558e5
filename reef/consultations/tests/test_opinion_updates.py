"""Incremental updates from every state, driven by random sequences (hypothesis).

Under load a report read failed on a state that held no votes yet (an empty key
array was indexed). Whatever the sequence of batches (empty ones, repeated and
changed votes, new participants and statements, statements moderated out after
the fact), an update must not raise, and its projection must equal a full fit
on the same votes.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reef.consultations.opinion import fit, update

Vote = tuple[int, int, int]

votes = st.tuples(st.integers(0, 14), st.integers(0, 7), st.sampled_from([-1, 0, 1]))
batches = st.lists(st.lists(votes, max_size=25), min_size=1, max_size=6)


def test_update_of_a_state_without_votes() -> None:
    empty = fit([], [], [])
    after = update(empty, [(1, 1, 1), (2, 1, -1)])
    assert after.n_participants == 2
    assert update(empty, []).n_participants == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.lists(votes, max_size=30),
    rest=batches,
    moderated=st.sets(st.integers(0, 7), max_size=3),
)
def test_random_update_sequences_never_raise_and_match_a_full_fit(
    first: list[Vote], rest: list[list[Vote]], moderated: set[int]
) -> None:
    state = fit(*zip(*first, strict=True)) if first else fit([], [], [])
    seen = list(first)
    for i, batch in enumerate(rest):
        # The last batch also moderates statements out after the fact.
        out = moderated if i == len(rest) - 1 else None
        state = update(state, batch, moderated_out=out)
        seen += batch
    full = (
        fit(*zip(*seen, strict=True), moderated_out=moderated)
        if seen
        else fit([], [], [], moderated_out=moderated)
    )
    assert state.n_participants == full.n_participants
    assert set(state.comment_ids) == set(full.comment_ids)
    if not seen:
        return
    idx = [full.pindex[p] for p in state.participant_ids]
    cidx = [full.cindex[c] for c in state.comment_ids]
    np.testing.assert_allclose(state.proj, full.proj[idx], atol=1e-8)
    np.testing.assert_allclose(state.pcs, full.pcs[:, cidx], atol=1e-8)
