"""Reef's opinion groups against Polis's own, per conversation, with leave-one-out selection.

Usage (from the repository root):

    .venv/bin/python bench/groups_eval.py                       # the shipped conversations
    .venv/bin/python bench/groups_eval.py FOLDER [FOLDER ...]   # any Polis export folders
    .venv/bin/python bench/groups_eval.py --no-reddwarf --markdown

A folder is a Polis export (comments.csv, votes.csv, participants-votes.csv). The reference
is Polis's own `group-id` column of participants-votes.csv; ARI = adjusted Rand index over
the participants both Polis and the method grouped.

Every candidate method below runs on every conversation. "default" is what `reef consensus
analyze` does. Leave-one-out: for each conversation, the candidate with the best median ARI
on the *other* conversations is chosen (ties: better mean, then the order below) and its ARI
on the held-out conversation is reported, so a choice made among candidates is never scored
on the conversation it was chosen with. red-dwarf (when importable) runs with the options of
bench/opinion_bench.py.

Data: Polis openData, CC BY 4.0, The Computational Democracy Project (see
reef/consultations/tests/data/polis/ATTRIBUTION.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reef.consultations import opinion  # noqa: E402
from reef.consultations.polis_io import (  # noqa: E402
    PARTICIPANTS_FILE,
    PolisId,
    read_participant_groups,
)

DATA = ROOT / "reef/consultations/tests/data/polis"


@dataclass(frozen=True)
class Candidate:
    name: str
    analyze: dict[str, Any] = field(default_factory=dict)  # analyze_folder keywords
    params: dict[str, Any] = field(default_factory=dict)  # opinion.Params fields
    note: str = ""


#: Candidates grounded in Polis's math worker (see docs/opinion.md, "History replay"),
#: about cheapest first (CPU time measured on the eight openData conversations): the choice
#: takes the first whose median is within TIE of the best (a difference of a few
#: thousandths is noise on a handful of conversations).
NO_REFIT = {"replay_refit": False}
CANDIDATES: list[Candidate] = [
    Candidate("cold", {"replay": False}, {}, "final votes clustered once, no history"),
    Candidate("cold, Polis silhouette", {"replay": False}, {"silhouette": "polis"}),
    Candidate("replay 25 equal steps", {"replay_steps": 25}, NO_REFIT),
    Candidate("replay 25 equal steps, refit", {"replay_steps": 25}, {}),
    Candidate("replay 1-minute batches", {"replay_window_ms": 60_000}, NO_REFIT),
    Candidate(
        "replay 1-minute batches, Polis silhouette",
        {"replay_window_ms": 60_000},
        {**NO_REFIT, "silhouette": "polis"},
    ),
    Candidate("replay 1-minute batches, refit", {"replay_window_ms": 60_000}, {}),
    Candidate(
        "replay 1-minute batches, refit, Polis silhouette",
        {"replay_window_ms": 60_000},
        {"silhouette": "polis"},
    ),
    Candidate("replay 10-minute batches, refit", {"replay_window_ms": 600_000}, {}),
    Candidate("replay 1-second batches, refit", {"replay_window_ms": 1_000}, {}),
    Candidate("replay 100 equal steps", {"replay_steps": 100}, NO_REFIT),
    Candidate("replay 100 equal steps, refit", {"replay_steps": 100}, {}),
    Candidate(
        "replay 1-minute batches, centre warm start",
        {"replay_window_ms": 60_000},
        {**NO_REFIT, "warm_members": False},
    ),
]
DEFAULT = Candidate("default", {}, {}, "what `reef consensus analyze` does")
TIE = 0.005


def ari(ref: Sequence[int], got: Sequence[int]) -> float:
    """Adjusted Rand index (Hubert and Arabie), as sklearn's adjusted_rand_score."""
    try:
        from sklearn.metrics import adjusted_rand_score
    except ImportError:  # pragma: no cover
        a = np.unique(np.asarray(ref), return_inverse=True)[1]
        b = np.unique(np.asarray(got), return_inverse=True)[1]
        table = np.zeros((a.max() + 1, b.max() + 1))
        np.add.at(table, (a, b), 1)

        def pairs(x: Any) -> float:
            return float((x * (x - 1) / 2).sum())

        n = len(a)
        total, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
        expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
        top = (rows + cols) / 2 - expected
        return 1.0 if top == 0 else (total - expected) / top
    return float(adjusted_rand_score(ref, got))


def score(ref: dict[str, int], got: dict[str, int]) -> float:
    common = [p for p in got if p in ref]
    if len(common) < 2:
        return float("nan")
    return ari([ref[p] for p in common], [got[p] for p in common])


def reef_groups(folder: Path, cand: Candidate, seed: int) -> dict[str, int]:
    params = opinion.Params(**cand.params)
    out = opinion.analyze_folder(folder, seed=seed, params=params, **cand.analyze)
    return {str(p["id"]): p["group"] for p in out["participants"] if p["group"] is not None}


def reddwarf_groups(folder: Path, seed: int) -> dict[str, int] | None:
    try:
        import warnings

        import pandas as pd
        from reddwarf.implementations.polis import run_pipeline
    except ImportError:
        return None
    warnings.filterwarnings("ignore")
    votes = pd.read_csv(
        folder / "votes.csv", usecols=["timestamp", "comment-id", "voter-id", "vote"]
    )
    votes = votes.sort_values("timestamp", kind="stable").drop_duplicates(
        ["voter-id", "comment-id"], keep="last"
    )
    comments = pd.read_csv(folder / "comments.csv")
    records = [
        {"participant_id": p, "statement_id": c, "vote": v, "modified": t}
        for t, c, p, v in votes[["timestamp", "comment-id", "voter-id", "vote"]].itertuples(
            index=False, name=None
        )
    ]
    result = run_pipeline(
        votes=records,
        mod_out_statement_ids=comments.loc[comments["moderated"] == -1, "comment-id"].tolist(),
        min_user_vote_threshold=7,
        max_group_count=5,
        random_state=seed,
    )
    df = result.participants_df
    return {
        str(p): int(g)
        for p, g in zip(df.index.tolist(), df["cluster_id"].tolist(), strict=True)
        if not pd.isna(g)
    }


def choose(table: dict[str, dict[str, float]], names: list[str], order: list[str]) -> str:
    """The first candidate (in ``order``) whose median ARI over ``names`` is within TIE of
    the best median."""
    med = {c: statistics.median(table[c][n] for n in names) for c in order}
    best = max(med.values())
    return next(c for c in order if med[c] >= best - TIE)


def leave_one_out(
    table: dict[str, dict[str, float]], names: list[str], order: list[str]
) -> dict[str, str]:
    """For each conversation, the candidate chosen (`choose`) on the others."""
    return {
        held: choose(table, [n for n in names if n != held], order) if len(names) > 1 else order[0]
        for held in names
    }


def fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folders", nargs="*", help="Polis export folders (default: shipped ones)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-reddwarf", action="store_true", help="skip red-dwarf")
    ap.add_argument("--only", help="candidate names separated by ; (default: all)")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--json", help="also write every figure to this file")
    a = ap.parse_args(argv)
    folders = [Path(f) for f in a.folders] or sorted(
        p for p in DATA.iterdir() if (p / "comments.csv").is_file()
    )
    cands = CANDIDATES
    if a.only:
        wanted = [w.strip() for w in a.only.split(";")]
        cands = [c for c in CANDIDATES if c.name in wanted]
    cands = [DEFAULT, *cands]
    names = [f.name for f in folders]
    ari_t: dict[str, dict[str, float]] = {c.name: {} for c in cands}
    k_t: dict[str, dict[str, int]] = {c.name: {} for c in cands}
    secs: dict[str, dict[str, float]] = {c.name: {} for c in cands}
    polis_k: dict[str, int] = {}
    polis_n: dict[str, int] = {}
    rd: dict[str, tuple[float, int]] = {}
    for folder in folders:
        raw: dict[PolisId, int] = read_participant_groups(folder / PARTICIPANTS_FILE)
        ref = {str(p): g for p, g in raw.items()}
        polis_k[folder.name], polis_n[folder.name] = len(set(ref.values())), len(ref)
        for c in cands:
            t = time.process_time()
            got = reef_groups(folder, c, a.seed)
            secs[c.name][folder.name] = time.process_time() - t
            ari_t[c.name][folder.name] = score(ref, got)
            k_t[c.name][folder.name] = len(set(got.values()))
            print(
                f"{folder.name}: {c.name}: ARI {fmt(ari_t[c.name][folder.name])}, "
                f"k {k_t[c.name][folder.name]} (Polis {polis_k[folder.name]}), "
                f"{secs[c.name][folder.name]:.1f} CPU s",
                file=sys.stderr,
                flush=True,
            )
        if not a.no_reddwarf:
            got_rd = reddwarf_groups(folder, a.seed)
            if got_rd is not None:
                rd[folder.name] = (score(ref, got_rd), len(set(got_rd.values())))
    order = [c.name for c in cands if c is not DEFAULT]
    chosen = leave_one_out(ari_t, names, order)
    loo = {n: ari_t[chosen[n]][n] for n in names}
    rows = []
    for n in names:
        rows.append(
            [
                n,
                str(polis_n[n]),
                str(polis_k[n]),
                f"{fmt(ari_t['default'][n])} ({k_t['default'][n]})",
                chosen[n],
                f"{fmt(loo[n])} ({k_t[chosen[n]][n]})",
                f"{fmt(rd[n][0])} ({rd[n][1]})" if n in rd else "n/a",
            ]
        )

    def med(xs: list[float]) -> str:
        xs = [x for x in xs if x == x]
        return fmt(statistics.median(xs)) if xs else "n/a"

    rows.append(
        [
            "**median**",
            "",
            "",
            med(list(ari_t["default"].values())),
            "",
            med(list(loo.values())),
            med([v[0] for v in rd.values()]) if rd else "n/a",
        ]
    )
    head = [
        "conversation",
        "Polis grouped",
        "Polis k",
        "Reef default ARI (k)",
        "leave-one-out choice",
        "held-out ARI (k)",
        "red-dwarf ARI (k)",
    ]
    cand_head = ["candidate", *names, "median", "CPU s (all)"]
    cand_rows = [
        [
            c.name,
            *[f"{fmt(ari_t[c.name][n])} ({k_t[c.name][n]})" for n in names],
            med(list(ari_t[c.name].values())),
            f"{sum(secs[c.name].values()):.1f}",
        ]
        for c in cands
    ]
    print(f"\nChosen on all {len(names)} conversations: {choose(ari_t, names, order)}")
    for title, h, body in (
        ("Leave-one-out", head, rows),
        ("Every candidate: ARI (k)", cand_head, cand_rows),
    ):
        print(f"\n{title}\n")
        if a.markdown:
            print("| " + " | ".join(h) + " |")
            print("|" + "|".join("---" for _ in h) + "|")
            for r in body:
                print("| " + " | ".join(r) + " |")
        else:
            widths = [max(len(x) for x in col) for col in zip(h, *body, strict=True)]
            for r in [h, *body]:
                print("  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)))
    if a.json:
        Path(a.json).write_text(
            json.dumps(
                {
                    "ari": ari_t,
                    "k": k_t,
                    "cpu_s": secs,
                    "polis_k": polis_k,
                    "chosen": chosen,
                    "reddwarf": rd,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
