"""The incremental state stored in the database: bytes without pickle, and the vote diff."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from reef.consultations import opinion


def _state(seed: int = 1) -> tuple[opinion.OpinionState, list[tuple[int, int, int]]]:
    rng = random.Random(seed)
    latest: dict[tuple[int, int], int] = {}
    for _ in range(300):
        latest[(rng.randrange(30), rng.randrange(12))] = rng.choice([-1, 0, 1])
    votes = [(p, c, v) for (p, c), v in latest.items()]
    state = opinion.fit(
        [t[0] for t in votes],
        [t[1] for t in votes],
        [t[2] for t in votes],
        all_comments=list(range(12)),
        moderated_out=[3],
        meta=[5],
        seed=seed,
    )
    return state, votes


def test_state_round_trips_through_bytes() -> None:
    state, _votes = _state()
    again = opinion.state_from_bytes(opinion.state_to_bytes(state))
    for f in dataclasses.fields(state):
        ours, theirs = getattr(state, f.name), getattr(again, f.name)
        if isinstance(ours, np.ndarray):
            assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs, equal_nan=True)
        else:
            assert ours == theirs, f.name
    # Updating the loaded state gives what updating the original gives.
    new = [(40, 1, 1), (0, 2, -1)]
    a, b = opinion.update(state, new), opinion.update(again, new)
    assert np.allclose(a.proj, b.proj) and np.array_equal(a.groups, b.groups)


def test_empty_state_and_string_ids_round_trip() -> None:
    empty = opinion.state_from_bytes(opinion.state_to_bytes(opinion.fit([], [], [])))
    assert empty.keys.shape == (0,) and opinion.changed_votes(empty, [(1, 1, 1)]) == [(1, 1, 1)]
    named = opinion.fit(["ann", 7], ["x", "y"], [1, -1])
    again = opinion.state_from_bytes(opinion.state_to_bytes(named))
    assert again.participant_ids == ["ann", 7] and again.pindex == {"ann": 0, 7: 1}


@pytest.mark.parametrize("data", [b"", b"not a state", b"PK\x03\x04broken"])
def test_other_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        opinion.state_from_bytes(data)


def test_a_pickled_array_is_never_loaded() -> None:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, _plain=np.array([{"format": 1}], dtype=object))
    with pytest.raises(ValueError):
        opinion.state_from_bytes(buffer.getvalue())


def test_changed_votes_finds_new_and_changed_and_notices_removed() -> None:
    state, votes = _state()
    assert opinion.changed_votes(state, votes) == []
    p, c, v = votes[0]
    flipped = (p, c, 1 if v != 1 else -1)
    changed = opinion.changed_votes(state, [flipped, *votes[1:], (99, 1, 0), (0, 77, 1)])
    assert changed is not None and sorted(changed) == sorted([flipped, (99, 1, 0), (0, 77, 1)])
    assert opinion.changed_votes(state, votes[1:]) is None  # a vote is gone: full fit
