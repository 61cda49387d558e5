"""Benchmark the scoring engine: 194 countries x the full reef-cmm x 5 assessors.

Run from the repository root:

    .venv/bin/python bench/scoring_bench.py

Ratings are random but seeded, so every run scores the same data. Generating
the ratings is not timed; scoring (consolidation, stages, progress, summaries,
gaps) and building the export dict are. Results are written to bench/scoring.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from reef.assessments.scoring import score
from reef.frameworks.formats import load_shipped

COUNTRIES = 194
ASSESSORS = 5
SEED = 20250101
VALUES = ["met", "partial", "not_met", "na", "unknown"]
# How often an assessor gives the "true" value; otherwise a random one.
AGREEMENT = 0.85


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over all countries")
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).with_name("scoring.md"), help="report file"
    )
    args = parser.parse_args()

    fw = load_shipped("reef-cmm")
    keys = [i.key for i in fw.indicators]
    aspect_keys = [a.key for a in fw.aspects]
    rng = random.Random(SEED)
    countries = []
    for c in range(COUNTRIES):
        # Each aspect has a "true" stage; its indicators up to that stage are met,
        # the rest not, and assessors mostly agree: stages spread like real data
        # and all consolidation paths (majority, disputed, unknown) occur.
        true_stage = {a.key: rng.randint(1, 5) for a in fw.aspects}
        ratings = []
        for a in fw.aspects:
            for ind in a.indicators:
                truth = "met" if (ind.stage or 0) <= true_stage[a.key] else "not_met"
                for n in range(ASSESSORS):
                    value = truth if rng.random() < AGREEMENT else rng.choice(VALUES)
                    ratings.append((ind.key, f"assessor-{n}", value))
        targets = {k: rng.randint(2, 4) for k in aspect_keys}
        countries.append((f"C{c:03d}", ratings, targets))

    t0 = time.perf_counter()
    score(fw, countries[0][1], {}, countries[0][2])  # first call compiles the index
    first_ms = (time.perf_counter() - t0) * 1000

    passes = []
    per_country: list[float] = []
    stages: list[int] = []
    for rep in range(args.repeat):
        start = time.perf_counter()
        for code, ratings, targets in countries:
            t = time.perf_counter()
            result = score(fw, ratings, {}, targets, country=code, cycle="2025")
            result.to_dict()
            per_country.append(time.perf_counter() - t)
            if rep == 0:
                stages.extend(a.stage for a in result.aspects)
        passes.append(time.perf_counter() - start)

    total_best = min(passes)
    total_median = statistics.median(passes)
    per_ms = np.array(per_country) * 1000
    n_ratings = len(keys) * ASSESSORS
    dist = np.bincount(stages, minlength=6)[1:].tolist()

    report = f"""# Scoring benchmark

Command (from the repository root):

    .venv/bin/python bench/scoring_bench.py

Workload: {COUNTRIES} countries x the full `reef-cmm` {fw.version} ({len(keys)} indicators,
{len(aspect_keys)} aspects, 23 factors, 5 dimensions) x {ASSESSORS} assessors =
{n_ratings} ratings per country, {n_ratings * COUNTRIES} in all. Random but seeded
(seed {SEED}): each aspect gets a random "true" stage 1..5, each assessor gives the
true value with probability {AGREEMENT} and a random one of the five values otherwise;
a random target 2..4 for every aspect. Timed: `score(...)` plus `Result.to_dict()`
for each country; generating the ratings is not timed. {args.repeat} passes.

| measure | value |
| --- | --- |
| all {COUNTRIES} countries, best pass | {total_best:.3f} s |
| all {COUNTRIES} countries, median pass | {total_median:.3f} s |
| per country, median | {np.median(per_ms):.2f} ms |
| per country, 95th percentile | {np.percentile(per_ms, 95):.2f} ms |
| per country, max | {per_ms.max():.2f} ms |
| first call (includes compiling the framework index) | {first_ms:.2f} ms |

Aspect stages reached in the random data (stage 1..5): {dist}.

Machine: {platform.machine()}, {platform.system()} {platform.release()},
Python {platform.python_version()}, numpy {np.__version__}.
Most of the time per country is the Python loop that reads the
{n_ratings} rating tuples; the numpy part (counting, stages, progress, summaries) is a
small share.
"""
    args.output.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
