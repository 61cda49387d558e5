"""Opinion analysis engine: the Polis method plus stable, incremental updates.

Pure Python/NumPy/SciPy (no Django). Formulas follow docs/opinion.md, which cites Polis's
math worker (github.com/compdemocracy/polis) step by step ("ref §n" in the modules).

Sign convention is the CSV one: agree = +1, disagree = -1, pass = 0 (ref §1).

Modules, each using only those above it: ``matrix`` (tunables, state, votes as sorted int64
keys), ``storage`` (the state as bytes), ``pca`` (projection), ``clusters`` (base clusters
and groups), ``engine`` (fit and update), ``statistics`` (ref §8-§11 on the raw votes),
``result`` (the public JSON), ``replay`` (history replay, a Polis export folder), ``reality``
(the consensus reality report) and ``placement`` (a participant's group). Every name is
importable from here, as when this was one module.
"""

from __future__ import annotations

from reef.consultations.opinion.clusters import (
    _match_labels,
    _recentre,
    clean_start,
    refit,
    smooth_k,
)
from reef.consultations.opinion.engine import (
    fit,
    fit_log,
    update,
)
from reef.consultations.opinion.matrix import (
    BoolArray,
    FloatArray,
    IntArray,
    OpinionState,
    Params,
    changed_votes,
)
from reef.consultations.opinion.placement import (
    DIRECTIONS,
    PLACEMENT_STATUSES,
    CommonGround,
    Difference,
    GroupPlacement,
    GroupShares,
    common_ground,
    group_differences,
    group_tallies,
    participant_group,
)
from reef.consultations.opinion.reality import (
    SECTORS,
    Agreement,
    RealityReport,
    StatementReality,
    consensus_reality,
    state_groups,
    state_votes,
)
from reef.consultations.opinion.replay import (
    REPLAY_BUDGET,
    REPLAY_MAX_UPDATES,
    REPLAY_STEPS,
    REPLAY_WINDOW_MS,
    analyze_folder,
    fit_replay,
    replay_chunks,
    replay_log,
    replay_schedule,
    replay_windows,
)
from reef.consultations.opinion.result import (
    OpinionResult,
    results,
)
from reef.consultations.opinion.statistics import (
    Z90,
    Counts,
    Repness,
    RepStatement,
    count_votes,
    divisive_mask,
    extremity,
    group_informed_consensus,
    majority_statements,
    prop_test,
    repness_stats,
    routing_priority,
    select_representative,
    two_prop_test,
)
from reef.consultations.opinion.storage import (
    STATE_FORMAT,
    state_from_bytes,
    state_to_bytes,
)

__all__ = [
    "DIRECTIONS",
    "PLACEMENT_STATUSES",
    "REPLAY_BUDGET",
    "REPLAY_MAX_UPDATES",
    "REPLAY_STEPS",
    "REPLAY_WINDOW_MS",
    "SECTORS",
    "STATE_FORMAT",
    "Z90",
    "Agreement",
    "BoolArray",
    "CommonGround",
    "Counts",
    "Difference",
    "FloatArray",
    "GroupPlacement",
    "GroupShares",
    "IntArray",
    "OpinionResult",
    "OpinionState",
    "Params",
    "RealityReport",
    "RepStatement",
    "Repness",
    "StatementReality",
    "_match_labels",
    "_recentre",
    "analyze_folder",
    "changed_votes",
    "clean_start",
    "common_ground",
    "consensus_reality",
    "count_votes",
    "divisive_mask",
    "extremity",
    "fit",
    "fit_log",
    "fit_replay",
    "group_differences",
    "group_informed_consensus",
    "group_tallies",
    "majority_statements",
    "participant_group",
    "prop_test",
    "refit",
    "replay_chunks",
    "replay_log",
    "replay_schedule",
    "replay_windows",
    "repness_stats",
    "results",
    "routing_priority",
    "select_representative",
    "smooth_k",
    "state_from_bytes",
    "state_groups",
    "state_to_bytes",
    "state_votes",
    "two_prop_test",
    "update",
]
