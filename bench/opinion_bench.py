"""Benchmark Reef's opinion engine against red-dwarf 0.4.0 on Polis conversations.

Usage (from the repository root):

    .venv/bin/pip install red-dwarf==0.4.0          # benchmark only
    .venv/bin/python bench/opinion_bench.py          # all conversations + synthetic 20k x 2k x 1M
    .venv/bin/python bench/opinion_bench.py --quick  # shared conversations + a small synthetic one

Each tool runs in its own subprocess per conversation; wall time is measured around
the child and peak RSS is the child's own VmHWM. ARI compares each tool's groups with
Polis's own group-id from participants-votes.csv (over participants both grouped); for the
synthetic conversation the reference is the latent opinion group used to generate it.
Results go to bench/opinion.md.

Data: Polis openData, CC BY 4.0, The Computational Democracy Project (see ATTRIBUTION below).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# The Polis conversations shipped with the tests (CC BY 4.0, see their ATTRIBUTION.md);
# REEF_POLIS_DATA points at another folder of Polis exports.
DATA = Path(os.environ.get("REEF_POLIS_DATA", ROOT / "reef/consultations/tests/data/polis"))
sys.path.insert(0, str(ROOT))

ATTRIBUTION = """Data was gathered using the Polis software (compdemocracy.org/polis) and is
sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy Project. The data
and more information about how the data was collected can be found at the following link(s):

- https://compdemocracy.org/case-studies/2014-seattle-15-per-hour
- https://compdemocracy.org/case-studies/2022-Austria-Klimarat
- https://compdemocracy.org/case-studies/2017-brexit-consensus
- https://compdemocracy.org/case-studies/2016-canadian-electoral-reform
- https://compdemocracy.org/case-studies/2015-football-concussions
- https://compdemocracy.org/case-studies/2022-london-youth-policing
- https://compdemocracy.org/case-studies/2019-scoop-hivemind-biodiversity
- https://compdemocracy.org/case-studies/2017-scoop-hivemind-freshwater"""


# ---------------------------------------------------------------- synthetic data


def make_synthetic(
    folder: Path,
    n_participants: int = 20_000,
    n_statements: int = 2_000,
    n_votes: int = 1_000_000,
    n_groups: int = 4,
    seed: int = 7,
) -> None:
    """A conversation with latent opinion groups: each group has its own agree/disagree/pass
    probabilities per statement; activity and statement popularity are heavy-tailed."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sizes = rng.dirichlet(np.full(n_groups, 3.0))
    group = rng.choice(n_groups, size=n_participants, p=sizes)
    # Per group and statement: logits of (agree, disagree, pass).
    stance = rng.normal(0.0, 1.5, size=(n_groups, n_statements))
    common = rng.normal(0.0, 1.0, size=n_statements)  # shared part: some consensus statements
    pa = 1.0 / (1.0 + np.exp(-(stance + common)))
    p_pass = rng.uniform(0.05, 0.25, size=n_statements)
    activity = rng.lognormal(0.0, 1.0, size=n_participants)
    popularity = rng.lognormal(0.0, 0.7, size=n_statements)
    want = int(n_votes * 1.15)
    ps = rng.choice(n_participants, size=want, p=activity / activity.sum())
    cs = rng.choice(n_statements, size=want, p=popularity / popularity.sum())
    key = ps.astype(np.int64) * n_statements + cs
    _, first = np.unique(key, return_index=True)
    keep = np.sort(rng.permutation(first)[:n_votes])
    ps, cs = ps[keep], cs[keep]
    u = rng.random(keep.shape[0])
    passed = u < p_pass[cs]
    agree = rng.random(keep.shape[0]) < pa[group[ps], cs]
    vote = np.where(passed, 0, np.where(agree, 1, -1))
    ts = 1_600_000_000_000 + np.sort(rng.integers(0, 30 * 86_400_000, size=keep.shape[0]))
    moderated = np.where(rng.random(n_statements) < 0.05, -1, 1)
    with open(folder / "comments.csv", "w") as fh:
        fh.write(
            "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        )
        for c in range(n_statements):
            fh.write(f"{1_600_000_000_000 + c},,{c},{c % n_participants},0,0,{moderated[c]},s{c}\n")
    with open(folder / "votes.csv", "w") as fh:
        fh.write("timestamp,datetime,comment-id,voter-id,vote\n")
        fh.writelines(
            f"{t},,{c},{p},{v}\n"
            for t, c, p, v in zip(ts.tolist(), cs.tolist(), ps.tolist(), vote.tolist(), strict=True)
        )
    with open(folder / "truth.csv", "w") as fh:
        fh.write("participant,group-id\n")
        fh.writelines(f"{p},{g}\n" for p, g in enumerate(group.tolist()))
    np.savez(folder / "model.npz", group=group, pa=pa, p_pass=p_pass, activity=activity)


def new_votes(folder: Path, n: int, seed: int) -> list[tuple[int, int, int]]:
    """n fresh votes from the synthetic model: half by existing, half by new participants."""
    m = np.load(folder / "model.npz")
    rng = np.random.default_rng(seed)
    n_p, n_s = m["group"].shape[0], m["pa"].shape[1]
    out: list[tuple[int, int, int]] = []
    for i in range(n):
        if i % 2 == 0:
            p = int(rng.integers(n_p))
            g = int(m["group"][p])
        else:
            p = n_p + i // 20  # new participants, ~20 votes each
            g = p % m["pa"].shape[0]
        c = int(rng.integers(n_s))
        passed = rng.random() < m["p_pass"][c]
        v = 0 if passed else (1 if rng.random() < m["pa"][g, c] else -1)
        out.append((p, c, v))
    return out


# ---------------------------------------------------------------- workers (run in children)


def worker_reef(folder: Path, seed: int, incremental: bool) -> dict[str, Any]:
    from reef.consultations.opinion import analyze_folder

    res: dict[str, Any] = {}
    if not incremental:
        t0 = time.perf_counter()
        out = analyze_folder(folder, seed=seed)
        res["inner_s"] = time.perf_counter() - t0
        res["groups"] = {
            str(p["id"]): p["group"] for p in out["participants"] if p["group"] is not None
        }
    else:  # separate child: its memory/time must not count in the whole-process figures
        from reef.consultations.opinion import fit_log, update
        from reef.consultations.polis_io import read_export

        exp = read_export(folder, keep_datetime=False)
        kw: dict[str, Any] = {
            "all_comments": [c.id for c in exp.comments],
            "moderated_out": exp.moderated_out(),
            "seed": seed,
        }
        state = fit_log(exp.final_votes(), **kw)
        extra = new_votes(folder, 1000, seed + 1)
        t1 = time.perf_counter()
        state2 = update(state, extra)
        res["update_s"] = time.perf_counter() - t1
        # Check: the incremental projection equals a full run on the same votes.
        fv = exp.final_votes()
        p = [fv.voter_ids[i] for i in fv.voter_idx.tolist()] + [x[0] for x in extra]
        c = [fv.comment_ids[i] for i in fv.comment_idx.tolist()] + [x[1] for x in extra]
        v = fv.vote.tolist() + [x[2] for x in extra]
        from reef.consultations.opinion import fit

        full = fit(p, c, v, **kw)
        idx = [full.pindex[q] for q in state2.participant_ids]
        res["update_vs_full_max_abs_diff"] = float(np.abs(full.proj[idx] - state2.proj).max())
    return res


def worker_reddwarf(folder: Path, seed: int) -> dict[str, Any]:
    import warnings

    import pandas as pd
    from reddwarf.implementations.polis import run_pipeline

    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    votes = pd.read_csv(
        folder / "votes.csv", usecols=["timestamp", "comment-id", "voter-id", "vote"]
    )
    votes = votes.sort_values("timestamp", kind="stable").drop_duplicates(
        ["voter-id", "comment-id"], keep="last"
    )
    comments = pd.read_csv(folder / "comments.csv")
    mod_out = comments.loc[comments["moderated"] == -1, "comment-id"].tolist()
    records = [
        {"participant_id": p, "statement_id": c, "vote": v, "modified": t}
        for t, c, p, v in votes[["timestamp", "comment-id", "voter-id", "vote"]].itertuples(
            index=False, name=None
        )
    ]
    result = run_pipeline(
        votes=records,
        mod_out_statement_ids=mod_out,
        min_user_vote_threshold=7,
        max_group_count=5,
        random_state=seed,
    )
    wall = time.perf_counter() - t0
    cl = result.participants_df["cluster_id"]
    groups = {str(p): int(g) for p, g in cl.items() if not pd.isna(g)}
    return {"groups": groups, "inner_s": wall}


# ---------------------------------------------------------------- driver


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not getrusage: on Linux a child's ru_maxrss starts at
    the parent's RSS at fork and survives exec, which would charge the driver's memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_child(args: list[str]) -> tuple[dict[str, Any], float, float]:
    """Run a worker subprocess; returns (its JSON incl. "cpu_s", wall seconds, peak RSS MiB)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--worker", *args, "--out", str(out)])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed: {args}")
    data = json.loads(out.read_text())
    # CPU time (user + sys, all threads) is robust when the machine is shared; rusage times,
    # unlike ru_maxrss, are the child's own.
    data["cpu_s"] = usage.ru_utime + usage.ru_stime
    out.unlink()
    return data, wall, float(data["peak_rss_mb"])


def reference_groups(folder: Path) -> dict[str, int]:
    from reef.consultations.polis_io import read_export

    truth = folder / "truth.csv"
    if truth.is_file():
        lines = truth.read_text().splitlines()[1:]
        return {a: int(b) for a, b in (x.split(",") for x in lines)}
    exp = read_export(folder, keep_datetime=False)
    return {str(p): g for p, g in exp.polis_groups().items()}


def ari(ref: dict[str, int], got: dict[str, int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    common = [p for p in got if p in ref]
    if len(common) < 2:
        return float("nan")
    return float(adjusted_rand_score([ref[p] for p in common], [got[p] for p in common]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small synthetic conversation")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--synthetic-dir", default=None, help="where to cache the synthetic data")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite bench/opinion.md")
    ap.add_argument("--worker", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        tool, folder = a.worker[0], Path(a.worker[1])
        if tool == "reef":
            res = worker_reef(folder, a.seed, incremental=len(a.worker) > 2)
        else:
            res = worker_reddwarf(folder, a.seed)
        res["peak_rss_mb"] = peak_rss_mb()
        Path(a.out).write_text(json.dumps(res))
        return

    size = (2_000, 400, 60_000) if a.quick else (20_000, 2_000, 1_000_000)
    syn = Path(a.synthetic_dir or tempfile.gettempdir()) / (
        f"reef-synthetic-{size[0]}x{size[1]}x{size[2]}"
    )
    if not (syn / "votes.csv").is_file():
        print(f"generating {syn} ...", flush=True)
        make_synthetic(syn, *size)
    convs = sorted(p for p in DATA.iterdir() if (p / "comments.csv").is_file())
    rows = []
    for folder in [*convs, syn]:
        is_syn = folder == syn
        name = f"synthetic {size[0]:,} x {size[1]:,} x {size[2]:,}" if is_syn else folder.name
        print(f"{name}: reef ...", flush=True)
        ref = reference_groups(folder)
        r, r_wall, r_mem = run_child(["reef", str(folder)])
        if is_syn:
            print(f"{name}: reef incremental update ...", flush=True)
            inc = run_child(["reef", str(folder), "incremental"])[0]
            r["update_s"] = inc["update_s"]
            r["update_vs_full_max_abs_diff"] = inc["update_vs_full_max_abs_diff"]
        print(f"{name}: red-dwarf ...", flush=True)
        d, d_wall, d_mem = run_child(["reddwarf", str(folder)])
        rows.append(
            {
                "name": name,
                "synthetic": is_syn,
                "reef_s": r_wall,
                "rd_s": d_wall,
                "reef_cpu": r["cpu_s"],
                "rd_cpu": d["cpu_s"],
                "reef_mb": r_mem,
                "rd_mb": d_mem,
                "reef_ari": ari(ref, r["groups"]),
                "rd_ari": ari(ref, d["groups"]),
                "reef_k": len(set(r["groups"].values())),
                "rd_k": len(set(d["groups"].values())),
                "update_s": r.get("update_s"),
                "update_diff": r.get("update_vs_full_max_abs_diff"),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    report = render(rows, a.quick)
    print(report)
    if not a.no_write:
        (ROOT / "bench" / "opinion.md").write_text(report)


def render(rows: list[dict[str, Any]], quick: bool) -> str:
    real = [r for r in rows if not r["synthetic"]]
    syn = [r for r in rows if r["synthetic"]]
    lines = [
        "# Opinion engine benchmark: Reef vs red-dwarf 0.4.0",
        "",
        "Rerun: `.venv/bin/python bench/opinion_bench.py`"
        + (" (this table: `--quick`)" if quick else "")
        + " (needs `.venv/bin/pip install red-dwarf==0.4.0`).",
        "",
        "Each tool runs in its own subprocess per conversation (read the CSV files + full "
        "analysis); time = wall time of the subprocess including interpreter start and imports, "
        "memory = its peak RSS (VmHWM from /proc). ARI = adjusted Rand index of each tool's "
        "groups vs "
        "Polis's own `group-id` (participants-votes.csv), over participants both grouped; on the "
        "synthetic conversation, vs the latent groups used to generate it. Seed 42.",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, shared with other "
        f"jobs while this ran (load average {os.getloadavg()[0]:.1f} at the end), so wall times "
        "are noisy; CPU time (user + sys of the child, os.wait4) is the steadier measure.",
        "",
        "| conversation | Reef wall s | red-dwarf wall s | Reef CPU s | red-dwarf CPU s |"
        " speed-up (CPU) | Reef MiB | red-dwarf MiB | mem ratio | Reef ARI | red-dwarf ARI |"
        " k Reef / rd |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['reef_s']:.2f} | {r['rd_s']:.2f} | {r['reef_cpu']:.2f}"
            f" | {r['rd_cpu']:.2f} | {r['rd_cpu'] / r['reef_cpu']:.1f}x"
            f" | {r['reef_mb']:.0f} | {r['rd_mb']:.0f} | {r['reef_mb'] / r['rd_mb']:.2f}"
            f" | {r['reef_ari']:.3f} | {r['rd_ari']:.3f} | {r['reef_k']} / {r['rd_k']} |"
        )
    med_r = statistics.median(r["reef_ari"] for r in real)
    med_d = statistics.median(r["rd_ari"] for r in real)
    lines += [
        "",
        f"Median ARI over the {len(real)} shared conversations: Reef **{med_r:.3f}**, "
        f"red-dwarf **{med_d:.3f}** (target: Reef above red-dwarf).",
    ]
    for r in syn:
        lines += [
            "",
            f"Synthetic ({r['name']}): Reef is **{r['rd_cpu'] / r['reef_cpu']:.1f}x** faster in "
            f"CPU time and {r['rd_s'] / r['reef_s']:.1f}x in wall time (target >= 10x), and uses "
            f"**{r['reef_mb'] / r['rd_mb']:.3f}** of red-dwarf's peak "
            f"memory (target <= 0.125). Incremental update after 1,000 new votes: "
            f"**{r['update_s']:.3f} s** (target < 1 s); max |projection difference| vs a full "
            f"run on the same votes: {r['update_diff']:.2e}.",
        ]
    lines += ["", "## Attribution", "", ATTRIBUTION, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
