"""Benchmark Reef's opinion analysis against red-dwarf 0.4.0, each as a whole process.

Usage (from the repository root):

    .venv/bin/pip install red-dwarf==0.4.0          # benchmark only (the `bench` extra)
    .venv/bin/python bench/opinion_bench.py          # shipped + synthetic 20k x 2k x 1M
    .venv/bin/python bench/opinion_bench.py --quick  # shipped + a small synthetic one
    .venv/bin/python bench/opinion_bench.py --only synthetic   # the 1,000,000-vote one only

Reef runs as `reef consensus analyze FOLDER --json > out.json` (interpreter start, imports,
reading the CSV files, the analysis, writing the JSON). red-dwarf runs as its equivalent: a
process that reads votes.csv and comments.csv with pandas, runs `run_pipeline` and writes its
participants, groups and projections as JSON. Each pair runs --repeats times (3), alternating
which tool goes first; the table gives medians of wall time, CPU time (user + sys) and peak RSS.
Peak RSS comes from GNU time (`/usr/bin/time -f %M`: getrusage of a child forked from a small
process, so the driver's own memory is not charged); without it, /proc/PID/status VmHWM is
sampled. The load average is recorded before and after each conversation, and the report says
when the machine was busy (1-minute load above half the CPUs at the start).
ARI compares each tool's groups with Polis's own group-id from participants-votes.csv (over
participants both grouped); for the synthetic conversation the reference is the latent opinion
group used to generate it. Results go to bench/opinion.md.

Data: Polis openData, CC BY 4.0, The Computational Democracy Project (see ATTRIBUTION below).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from procs import alternate, load_average, medians, run_process

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


def worker_incremental(folder: Path, seed: int) -> dict[str, Any]:
    """Reef's incremental update after 1,000 new votes, checked against a full run."""
    from reef.consultations.opinion import fit, fit_log, update
    from reef.consultations.polis_io import read_export

    exp = read_export(folder, keep_datetime=False, participants="if_needed")
    kw: dict[str, Any] = {
        "all_comments": [c.id for c in exp.comments],
        "moderated_out": exp.moderated_out(),
        "seed": seed,
    }
    state = fit_log(exp.final_votes(), **kw)
    extra = new_votes(folder, 1000, seed + 1)
    t1 = time.perf_counter()
    state2 = update(state, extra)
    res: dict[str, Any] = {"update_s": time.perf_counter() - t1}
    fv = exp.final_votes()
    p = [fv.voter_ids[i] for i in fv.voter_idx.tolist()] + [x[0] for x in extra]
    c = [fv.comment_ids[i] for i in fv.comment_idx.tolist()] + [x[1] for x in extra]
    v = fv.vote.tolist() + [x[2] for x in extra]
    full = fit(p, c, v, **kw)
    idx = [full.pindex[q] for q in state2.participant_ids]
    res["update_vs_full_max_abs_diff"] = float(np.abs(full.proj[idx] - state2.proj).max())
    return res


def worker_reddwarf(folder: Path, seed: int, out: Path) -> None:
    """red-dwarf's equivalent of `reef consensus analyze FOLDER --json`: read, analyse, write."""
    import warnings

    import pandas as pd
    from reddwarf.implementations.polis import run_pipeline

    warnings.filterwarnings("ignore")
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
    df = result.participants_df  # written without per-row pandas overhead
    participants = [
        {"id": str(pid), "group": None if pd.isna(g) else int(g), "x": x, "y": y}
        for pid, g, x, y in zip(
            df.index.tolist(),
            df["cluster_id"].tolist(),
            df["x"].tolist(),
            df["y"].tolist(),
            strict=True,
        )
    ]
    out.write_text(json.dumps({"participants": participants}))


# ---------------------------------------------------------------- driver


def reef_argv(folder: Path, seed: int) -> list[str]:
    # `reef consensus analyze` from this checkout (the installed `reef` script may be another).
    code = "import sys; from reef.cli import main; sys.argv[0] = 'reef'; main()"
    return [sys.executable, "-c", code, "consensus", "analyze", str(folder), "--json",
            "--seed", str(seed)]  # fmt: skip


def reddwarf_argv(folder: Path, seed: int, out: Path) -> list[str]:
    return [sys.executable, __file__, "--reddwarf", str(folder), "--out", str(out),
            "--seed", str(seed)]  # fmt: skip


def reference_groups(folder: Path) -> dict[str, int]:
    from reef.consultations.polis_io import PARTICIPANTS_FILE, read_participant_groups

    truth = folder / "truth.csv"
    if truth.is_file():
        lines = truth.read_text().splitlines()[1:]
        return {a: int(b) for a, b in (x.split(",") for x in lines)}
    return {str(p): g for p, g in read_participant_groups(folder / PARTICIPANTS_FILE).items()}


def groups_of(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text())
    return {str(p["id"]): p["group"] for p in data["participants"] if p["group"] is not None}


def ari(ref: dict[str, int], got: dict[str, int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    common = [p for p in got if p in ref]
    if len(common) < 2:
        return float("nan")
    return float(adjusted_rand_score([ref[p] for p in common], [got[p] for p in common]))


def compare(folder: Path, seed: int, repeats: int, work: Path) -> dict[str, Any]:
    """Both tools, `repeats` times each, alternating which goes first; medians."""
    outs = {"reef": work / "reef.json", "rd": work / "reddwarf.json"}
    argv = {
        "reef": reef_argv(folder, seed),
        "rd": reddwarf_argv(folder, seed, outs["rd"]),
    }
    load_before = load_average()
    runs = alternate(argv, {"reef": outs["reef"], "rd": work / "reddwarf.stdout"}, repeats)
    load_after = load_average()
    ref = reference_groups(folder)
    row: dict[str, Any] = {"load_before": load_before, "load_after": load_after}
    for tool in ("reef", "rd"):
        for key, value in medians(runs[tool]).items():
            row[f"{tool}_{key}"] = value
            row[f"{tool}_{key}_all"] = [r[key] for r in runs[tool]]
        got = groups_of(outs[tool])
        row[f"{tool}_ari"] = ari(ref, got)
        row[f"{tool}_k"] = len(set(got.values()))
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small synthetic conversation")
    ap.add_argument("--only", choices=["synthetic", "shipped"], help="one kind of conversation")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each tool (default 3)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--synthetic-dir", default=None, help="where to cache the synthetic data")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite bench/opinion.md")
    ap.add_argument("--reddwarf", help=argparse.SUPPRESS)
    ap.add_argument("--incremental", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.reddwarf:
        worker_reddwarf(Path(a.reddwarf), a.seed, Path(a.out))
        return
    if a.incremental:
        Path(a.out).write_text(json.dumps(worker_incremental(Path(a.incremental), a.seed)))
        return

    cpus = os.cpu_count() or 1
    start_load = load_average()
    busy = start_load[0] > 0.5 * cpus
    print(f"load average at start: {start_load}" + (" (machine busy)" if busy else ""))
    size = (2_000, 400, 60_000) if a.quick else (20_000, 2_000, 1_000_000)
    syn = Path(a.synthetic_dir or tempfile.gettempdir()) / (
        f"reef-synthetic-{size[0]}x{size[1]}x{size[2]}"
    )
    folders: list[Path] = []
    if a.only != "synthetic":
        folders += sorted(p for p in DATA.iterdir() if (p / "comments.csv").is_file())
    if a.only != "shipped":
        if not (syn / "votes.csv").is_file():
            print(f"generating {syn} ...", flush=True)
            make_synthetic(syn, *size)
        folders.append(syn)
    rows = []
    work = Path(tempfile.mkdtemp(prefix="reef-opinion-bench-"))
    for folder in folders:
        is_syn = folder == syn
        name = f"synthetic {size[0]:,} x {size[1]:,} x {size[2]:,}" if is_syn else folder.name
        print(f"{name}:", flush=True)
        row = {"name": name, "synthetic": is_syn, **compare(folder, a.seed, a.repeats, work)}
        if is_syn:
            out = work / "incremental.json"
            cmd = [sys.executable, __file__, "--incremental", str(folder), "--out", str(out)]
            run_process(cmd, work / "incremental.stdout")
            row.update(json.loads(out.read_text()))
        rows.append(row)
        print(json.dumps(row), flush=True)
    end_load = load_average()
    command = "`.venv/bin/python bench/opinion_bench.py" + (" --quick" if a.quick else "")
    command += (f" --only {a.only}" if a.only else "") + "`"
    report = render(rows, command, a.repeats, start_load, end_load, busy)
    print(report)
    if not a.no_write:
        target = ROOT / "bench" / "opinion.md"
        # Everything from "## Notes" on is written by hand: keep it.
        kept = target.read_text() if target.exists() else ""
        notes = kept[kept.index("\n## Notes") :] if "\n## Notes" in kept else ""
        notes = notes.split("\n## Attribution")[0]
        head, sep, tail = report.partition("\n## Attribution")
        target.write_text(head.rstrip("\n") + "\n" + notes.rstrip("\n") + "\n" + sep + tail)


def _load(x: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.1f}" for v in x)


def render(
    rows: list[dict[str, Any]],
    command: str,
    repeats: int,
    start_load: tuple[float, float, float],
    end_load: tuple[float, float, float],
    busy: bool,
) -> str:
    cpus = os.cpu_count() or 1
    real = [r for r in rows if not r["synthetic"]]
    syn = [r for r in rows if r["synthetic"]]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Opinion analysis benchmark: Reef vs red-dwarf 0.4.0, whole processes",
        "",
        f"Command: {command} (red-dwarf: `.venv/bin/pip install red-dwarf==0.4.0`). Run {when}.",
        "",
        "Reef: `reef consensus analyze FOLDER --json > out.json` as a process. red-dwarf: a "
        "process that reads the CSV files with pandas, runs `run_pipeline` and writes its "
        "participants and groups as JSON. Both times include interpreter start, imports, "
        f"reading and writing. Each tool ran {repeats} times per conversation, alternating "
        "which went first; figures are medians. Peak memory: peak RSS of the process (GNU "
        "time, `%M`). ARI = adjusted Rand index of each tool's groups vs Polis's own "
        "`group-id` (participants-votes.csv) over participants both grouped; on the synthetic "
        "conversation, vs the latent groups used to generate it. Seed 42.",
        "",
        f"Machine: {cpus} CPUs, Python {sys.version.split()[0]}. Load average (1 / 5 / 15 min) "
        f"at the start {_load(start_load)}, at the end {_load(end_load)}.",
        "",
    ]
    if busy:
        lines += [
            f"**Machine busy**: the 1-minute load at the start ({start_load[0]:.1f}) was above "
            f"half the CPUs ({cpus / 2:g}). Other jobs shared the CPUs, so wall times are "
            "inflated and noisy; CPU time (user + sys) is the steadier figure. Rerun the "
            "same command on a quiet machine for the wall-time figures.",
            "",
        ]
    lines += [
        "| conversation | Reef wall s | red-dwarf wall s | speed-up (wall) | Reef CPU s |"
        " red-dwarf CPU s | speed-up (CPU) | Reef MiB | red-dwarf MiB | memory ratio |"
        " Reef ARI | red-dwarf ARI | k Reef / rd | load before / after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['reef_wall']:.2f} | {r['rd_wall']:.2f}"
            f" | {r['rd_wall'] / r['reef_wall']:.1f}x | {r['reef_cpu']:.2f}"
            f" | {r['rd_cpu']:.2f} | {r['rd_cpu'] / r['reef_cpu']:.1f}x"
            f" | {r['reef_mb']:.0f} | {r['rd_mb']:.0f} | {r['reef_mb'] / r['rd_mb']:.3f}"
            f" | {r['reef_ari']:.3f} | {r['rd_ari']:.3f} | {r['reef_k']} / {r['rd_k']}"
            f" | {r['load_before'][0]:.1f} / {r['load_after'][0]:.1f} |"
        )
    if real:
        med_r = statistics.median(r["reef_ari"] for r in real)
        med_d = statistics.median(r["rd_ari"] for r in real)
        lines += [
            "",
            f"Median ARI over the {len(real)} shipped conversations: Reef **{med_r:.3f}**, "
            f"red-dwarf **{med_d:.3f}**.",
        ]
    for r in syn:
        wall_x, cpu_x = r["rd_wall"] / r["reef_wall"], r["rd_cpu"] / r["reef_cpu"]
        mem = r["reef_mb"] / r["rd_mb"]
        lines += [
            "",
            f"Synthetic ({r['name']}): Reef as a whole process is **{wall_x:.1f}x** faster in "
            f"wall time and {cpu_x:.1f}x in CPU time (target >= 10x), and uses "
            f"**{mem:.3f}** of red-dwarf's peak memory (target <= 0.125). Every run, wall s: "
            f"Reef {', '.join(f'{x:.2f}' for x in r['reef_wall_all'])}; red-dwarf "
            f"{', '.join(f'{x:.2f}' for x in r['rd_wall_all'])}. Peak MiB: Reef "
            f"{', '.join(f'{x:.0f}' for x in r['reef_mb_all'])}; red-dwarf "
            f"{', '.join(f'{x:.0f}' for x in r['rd_mb_all'])}.",
        ]
        if "update_s" in r:
            lines += [
                "",
                f"Incremental update after 1,000 new votes (in-process, separate child): "
                f"**{r['update_s']:.3f} s** (target < 1 s); max |projection difference| vs a "
                f"full run on the same votes: {r['update_vs_full_max_abs_diff']:.2e}.",
            ]
    lines += ["", "## Attribution", "", ATTRIBUTION, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
