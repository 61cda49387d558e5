"""Twinning detection: find organisations working on the same need at the same time.

Pure computation (no Django). Two actions are a twinning candidate when they are
run by different organisations, in the same country (or the same region, when at
least one of them is a regional effort), with overlapping dates, on the same
factor or area of the framework, and with similar descriptions (TF-IDF cosine,
computed locally with scikit-learn; nothing is downloaded).

Scaling: actions are blocked by country and by region, so similarity is only
computed inside a block, with sparse matrix products in row chunks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = [
    "OverlapAction",
    "TwinningCandidate",
    "TwinningConfig",
    "find_twinning_candidates",
]


def gettext_noop(message: str) -> str:
    """Mark a message for translation; the Django layer translates it (no Django here)."""
    return message


@dataclass(frozen=True, slots=True)
class OverlapAction:
    """One action or commitment as the overlap detector sees it."""

    id: str
    organisation_id: str
    country_code: str | None  # ISO 3166-1 alpha-2; None for a regional effort
    region_code: str | None  # e.g. "CARICOM"; used for regional efforts
    factor_key: str
    area_key: str
    description: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"action {self.id}: end {self.end} is before start {self.start}")
        if self.country_code is None and self.region_code is None:
            raise ValueError(f"action {self.id}: needs a country or a region")


@dataclass(frozen=True, slots=True)
class TwinningConfig:
    """Thresholds and weights of the twinning score (see docs/planning.md)."""

    # Similarity needed when both actions address the same factor (the same need).
    min_similarity_same_factor: float = 0.15
    # Only the area in common is weaker evidence, so the text must agree more.
    min_similarity_same_area: float = 0.30
    weight_similarity: float = 0.55
    weight_same_factor: float = 0.25
    weight_same_area: float = 0.10
    weight_overlap: float = 0.10
    chunk_rows: int = 2000  # rows per sparse product, bounds memory in huge blocks

    def __post_init__(self) -> None:
        for name in ("min_similarity_same_factor", "min_similarity_same_area"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within 0..1, got {value}")
        weights = (
            self.weight_similarity,
            self.weight_same_factor,
            self.weight_same_area,
            self.weight_overlap,
        )
        if any(w < 0 for w in weights) or abs(sum(weights) - 1.0) > 1e-9:
            raise ValueError("twinning weights must be non-negative and sum to 1")
        if self.chunk_rows < 1:
            raise ValueError("chunk_rows must be positive")


@dataclass(frozen=True, slots=True)
class TwinningCandidate:
    """A pair of actions that could be twinned, with its score and the reasons."""

    a_id: str  # the smaller id of the pair
    b_id: str
    a_organisation_id: str
    b_organisation_id: str
    score: float  # 0..1, rounded to 4 places
    similarity: float  # TF-IDF cosine of the descriptions, 0..1, rounded to 4 places
    factor_key: str | None  # the shared factor, None when the factors differ
    area_key: str | None  # the shared area, None when the areas differ
    scope: str  # "country" or "region"
    scope_code: str
    overlap_start: date
    overlap_end: date

    @property
    def same_factor(self) -> bool:
        return self.factor_key is not None

    @property
    def same_area(self) -> bool:
        return self.area_key is not None

    @property
    def explained(self) -> tuple[tuple[str, dict[str, str]], ...]:
        """The reasons as (English template, params): gettext(template) % params."""
        # Built on demand: large runs produce many candidates and few are displayed.
        scope = (
            gettext_noop("same region: %(code)s")
            if self.scope == "region"
            else gettext_noop("same country: %(code)s")
        )
        reasons = [(scope, {"code": self.scope_code})]
        if self.factor_key is not None:
            reasons.append((gettext_noop("same factor: %(key)s"), {"key": self.factor_key}))
        if self.area_key is not None:
            reasons.append((gettext_noop("same area: %(key)s"), {"key": self.area_key}))
        reasons.append((gettext_noop("similarity %(value)s"), {"value": f"{self.similarity:.2f}"}))
        reasons.append(
            (
                gettext_noop("overlap %(start)s..%(end)s"),
                {"start": _month(self.overlap_start), "end": _month(self.overlap_end)},
            )
        )
        return tuple(reasons)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(template % params for template, params in self.explained)

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _codes(values: Sequence[str | None]) -> IntArray:
    """Map strings to integer codes so comparisons are vectorised."""
    index: dict[str | None, int] = {}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64, len(values))


def _vectorise(descriptions: Sequence[str]) -> sparse.csr_matrix:
    # One vocabulary and IDF for the whole set: rare words are rare region-wide.
    vectorizer = TfidfVectorizer(
        lowercase=True,
        strip_accents="unicode",
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1,
        dtype=np.float64,
    )
    try:
        matrix = vectorizer.fit_transform(descriptions)
    except ValueError:
        # Every description empty or only stop words: no text evidence at all.
        return sparse.csr_matrix((len(descriptions), 1), dtype=np.float64)
    return sparse.csr_matrix(matrix)


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


class _Columns:
    """The actions as parallel numpy arrays."""

    def __init__(self, actions: Sequence[OverlapAction]) -> None:
        self.org = _codes([a.organisation_id for a in actions])
        self.factor = _codes([a.factor_key for a in actions])
        self.area = _codes([a.area_key for a in actions])
        self.start = np.fromiter((a.start.toordinal() for a in actions), np.int64, len(actions))
        self.end = np.fromiter((a.end.toordinal() for a in actions), np.int64, len(actions))
        self.regional = np.fromiter((a.country_code is None for a in actions), bool, len(actions))


def _pairs_in_block(
    rows: IntArray,
    cols: IntArray,
    matrix: sparse.csr_matrix,
    columns: _Columns,
    config: TwinningConfig,
    same_block: bool,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Candidate pairs (global indices) between ``rows`` and ``cols`` of one block."""
    floor = min(config.min_similarity_same_factor, config.min_similarity_same_area)
    right = matrix[cols].T.tocsc()
    out_i: list[IntArray] = []
    out_j: list[IntArray] = []
    out_s: list[FloatArray] = []
    for lo in range(0, len(rows), config.chunk_rows):
        chunk = rows[lo : lo + config.chunk_rows]
        product = sparse.coo_matrix(matrix[chunk] @ right)
        # Sparse product keeps only pairs sharing a term; a zero floor needs all pairs.
        if floor > 0:
            keep = product.data >= floor
            li, lj, sim = product.row[keep], product.col[keep], product.data[keep]
        else:
            dense = product.toarray()
            li, lj = np.indices(dense.shape).reshape(2, -1)
            sim = dense.ravel()
        i, j = chunk[li], cols[lj]
        # Within a block each unordered pair once. Regional rows against a region's
        # actions: no self-pairs, and a regional-regional pair only once.
        keep = (i < j) if same_block else (i != j) & (~columns.regional[j] | (i < j))
        i, j, sim = i[keep], j[keep], sim[keep]
        same_factor = columns.factor[i] == columns.factor[j]
        same_area = columns.area[i] == columns.area[j]
        keep = (
            (columns.org[i] != columns.org[j])
            & (columns.start[i] <= columns.end[j])
            & (columns.start[j] <= columns.end[i])
            & (
                (same_factor & (sim >= config.min_similarity_same_factor))
                | (same_area & (sim >= config.min_similarity_same_area))
            )
        )
        out_i.append(i[keep])
        out_j.append(j[keep])
        out_s.append(np.minimum(sim[keep], 1.0))  # float rounding can exceed 1
    if not out_i:
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0, np.float64)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def _blocks(items: list[OverlapAction]) -> list[tuple[str, str, IntArray, IntArray, bool]]:
    """Which actions are compared with which: (scope, code, rows, columns, same_block), a
    block per country with two actions or more and per region with regional actions."""
    by_country: dict[str, list[int]] = defaultdict(list)
    by_region: dict[str, list[int]] = defaultdict(list)
    regional_by_region: dict[str, list[int]] = defaultdict(list)
    for index, action in enumerate(items):
        if action.country_code is not None:
            by_country[action.country_code].append(index)
        if action.region_code is not None:
            by_region[action.region_code].append(index)
            if action.country_code is None:
                regional_by_region[action.region_code].append(index)

    blocks: list[tuple[str, str, IntArray, IntArray, bool]] = []
    for code, members in by_country.items():
        if len(members) > 1:
            block = np.asarray(members, np.int64)
            blocks.append(("country", code, block, block, True))
    for code, regional in regional_by_region.items():
        rows = np.asarray(regional, np.int64)
        blocks.append(("region", code, rows, np.asarray(by_region[code], np.int64), False))
    return blocks


def _all_pairs(
    blocks: list[tuple[str, str, IntArray, IntArray, bool]],
    matrix: sparse.csr_matrix,
    columns: _Columns,
    config: TwinningConfig,
) -> tuple[IntArray, IntArray, FloatArray, IntArray] | None:
    """The candidate pairs of every block as (i, j, similarity, block number) arrays; None
    when there is no block."""
    parts_i: list[IntArray] = []
    parts_j: list[IntArray] = []
    parts_s: list[FloatArray] = []
    parts_block: list[IntArray] = []
    for number, (_, _, rows, cols, same_block) in enumerate(blocks):
        i_arr, j_arr, s_arr = _pairs_in_block(rows, cols, matrix, columns, config, same_block)
        parts_i.append(i_arr)
        parts_j.append(j_arr)
        parts_s.append(s_arr)
        parts_block.append(np.full(len(i_arr), number, np.int64))
    if not parts_i:
        return None
    return (
        np.concatenate(parts_i),
        np.concatenate(parts_j),
        np.concatenate(parts_s),
        np.concatenate(parts_block),
    )


@dataclass(frozen=True, slots=True)
class _Scored:
    """Per pair: its score and similarity, whether it shares the factor and the area, and
    its overlap."""

    scores: FloatArray
    similarity: FloatArray  # rounded to 4 places
    same_factor: BoolArray
    same_area: BoolArray
    overlap_start: IntArray  # date ordinals
    overlap_end: IntArray


def _score_pairs(
    i_all: IntArray, j_all: IntArray, sim: FloatArray, columns: _Columns, config: TwinningConfig
) -> _Scored:
    """The twinning score of each pair: the weighted similarity, shared factor, shared area
    and share of the shorter action's days that overlap, rounded to 4 places."""
    overlap_start = np.maximum(columns.start[i_all], columns.start[j_all])
    overlap_end = np.minimum(columns.end[i_all], columns.end[j_all])
    shortest = np.minimum(
        columns.end[i_all] - columns.start[i_all], columns.end[j_all] - columns.start[j_all]
    )
    # Days counted inclusively, relative to the shorter action.
    overlap_share = (overlap_end - overlap_start + 1) / (shortest + 1)
    same_factor = columns.factor[i_all] == columns.factor[j_all]
    same_area = columns.area[i_all] == columns.area[j_all]
    scores = np.round(
        config.weight_similarity * sim
        + config.weight_same_factor * same_factor
        + config.weight_same_area * same_area
        + config.weight_overlap * overlap_share,
        4,
    )
    similarity = np.round(sim, 4)
    return _Scored(scores, similarity, same_factor, same_area, overlap_start, overlap_end)


def _smaller_id_first(
    ids: list[str], i_all: IntArray, j_all: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Each action's rank by id, and the pairs with the smaller id first, so that a pair
    always reads the same way."""
    id_rank = np.empty(len(ids), np.int64)
    id_rank[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    swap = id_rank[i_all] > id_rank[j_all]
    return id_rank, np.where(swap, j_all, i_all), np.where(swap, i_all, j_all)


def find_twinning_candidates(
    actions: Iterable[OverlapAction],
    config: TwinningConfig | None = None,
    limit: int | None = None,
) -> list[TwinningCandidate]:
    """Return twinning candidates, best score first (ties by action ids).

    Country actions are compared with the other actions in the same country.
    Regional actions (no country) are compared with every action, national or
    regional, that carries the same region code. ``limit`` keeps only the best.
    """
    config = config or TwinningConfig()
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    items = list(actions)
    if len(items) < 2:
        return []
    ids = [a.id for a in items]
    if len(set(ids)) != len(ids):
        raise ValueError("action ids must be unique")
    matrix = _vectorise([a.description for a in items])
    columns = _Columns(items)

    blocks = _blocks(items)
    pairs = _all_pairs(blocks, matrix, columns, config)
    if pairs is None:
        return []
    i_all, j_all, sim, block_of = pairs

    id_rank, i_all, j_all = _smaller_id_first(ids, i_all, j_all)
    scored = _score_pairs(i_all, j_all, sim, columns, config)
    order = np.lexsort((id_rank[j_all], id_rank[i_all], -scored.scores))
    if limit is not None:
        order = order[:limit]

    results: list[TwinningCandidate] = []
    for k in order.tolist():
        a, b = items[int(i_all[k])], items[int(j_all[k])]
        scope, code = blocks[int(block_of[k])][:2]
        results.append(
            TwinningCandidate(
                a_id=a.id,
                b_id=b.id,
                a_organisation_id=a.organisation_id,
                b_organisation_id=b.organisation_id,
                score=float(scored.scores[k]),
                similarity=float(scored.similarity[k]),
                factor_key=a.factor_key if scored.same_factor[k] else None,
                area_key=a.area_key if scored.same_area[k] else None,
                scope=scope,
                scope_code=code,
                overlap_start=date.fromordinal(int(scored.overlap_start[k])),
                overlap_end=date.fromordinal(int(scored.overlap_end[k])),
            )
        )
    return results
