"""The results of an analysis and their public JSON (``reef consensus analyze --json``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from reef.consultations.opinion.matrix import BoolArray, FloatArray, OpinionState
from reef.consultations.opinion.statistics import (
    Counts,
    Repness,
    RepStatement,
    count_votes,
    divisive_mask,
    extremity,
    group_informed_consensus,
    majority_statements,
    repness_stats,
    routing_priority,
    select_representative,
)
from reef.consultations.polis_io import PolisId


@dataclass
class OpinionResult:
    state: OpinionState
    total: Counts
    by_group: Counts
    group_labels: list[int]  # label of each row of by_group
    repness: Repness
    representative: dict[int, list[RepStatement]]
    consensus_agree: list[int]
    consensus_disagree: list[int]
    gic: FloatArray
    divisive: BoolArray
    priority: FloatArray

    def to_json_dict(self, statements: Sequence[PolisId] | None = None) -> dict[str, Any]:
        """The public JSON contract of ``reef consensus analyze FOLDER --json``."""
        s = self.state
        cid = s.comment_ids
        n_votes = np.bincount(s.rows_cols()[0], minlength=s.n_participants)
        participants = [
            {
                "id": pid,
                "group": int(g) if g >= 0 else None,
                "x": float(x),
                "y": float(y),
                "votes": int(nv),
            }
            for pid, g, (x, y), nv in zip(
                s.participant_ids, s.groups.tolist(), s.proj.tolist(), n_votes.tolist(), strict=True
            )
        ]
        sizes = np.bincount(s.groups[s.groups >= 0], minlength=len(self.group_labels))
        groups = [
            {
                "id": g,
                "size": int(sizes[g]),
                "representative": [
                    {"statement": cid[r.comment], "direction": r.direction, "p": r.p, "z": r.z}
                    for r in self.representative.get(g, [])
                ],
            }
            for g in self.group_labels
        ]
        order = (
            [s.cindex[c] for c in statements]
            if statements is not None
            else np.flatnonzero(s.active).tolist()
        )
        stmts = [
            {
                "id": cid[j],
                "agree": int(self.total.agree[0, j]),
                "disagree": int(self.total.disagree[0, j]),
                "pass": int(self.total.passes[0, j]),
                "gic": float(self.gic[j]),
                "divisive": bool(self.divisive[j]),
            }
            for j in order
        ]
        return {
            "participants": participants,
            "groups": groups,
            "consensus": {
                "agree": [cid[j] for j in self.consensus_agree],
                "disagree": [cid[j] for j in self.consensus_disagree],
            },
            "statements": stmts,
        }


def results(state: OpinionState) -> OpinionResult:
    """Statistics on the raw votes for the state's groups (ref §8-§11)."""
    p = state.params
    labels_present = sorted(set(state.groups[state.groups >= 0].tolist()))
    k = (max(labels_present) + 1) if labels_present else 0
    total = count_votes(state)
    by_group = count_votes(state, state.groups, max(k, 1)) if k else count_votes(state, None)
    if not k:
        by_group = Counts(*(np.zeros_like(a) for a in (total.agree, total.disagree, total.passes)))
    grouped_total = Counts(
        by_group.agree.sum(0, keepdims=True),
        by_group.disagree.sum(0, keepdims=True),
        by_group.passes.sum(0, keepdims=True),
    )
    rep = repness_stats(by_group, grouped_total)
    representative = {
        g: select_representative(rep, g, state.active, p.rep_max) for g in labels_present
    }
    ca, cd = majority_statements(total, state.active, p.consensus_max, p.consensus_min_votes)
    present = Counts(
        by_group.agree[labels_present],
        by_group.disagree[labels_present],
        by_group.passes[labels_present],
    )
    gic = group_informed_consensus(present) if labels_present else np.zeros(state.n_comments)
    return OpinionResult(
        state=state,
        total=total,
        by_group=by_group,
        group_labels=labels_present,
        repness=rep,
        representative=representative,
        consensus_agree=ca,
        consensus_disagree=cd,
        gic=gic,
        divisive=divisive_mask(present, p.consensus_min_votes),
        priority=routing_priority(total, extremity(state), state.meta) * state.active,
    )
