"""Benchmark of twinning detection on synthetic actions.

Usage: .venv/bin/python bench/overlaps_bench.py [N ...]   (default: 2000 20000)

The data are synthetic and illustrative: actions spread over 15 Caribbean
countries plus regional efforts, 30 factors in 6 areas, 40 organisations,
descriptions built from templates around a per-factor topic phrase.
Known twins (paraphrased descriptions of the same need, different organisation,
overlapping dates) are planted to report recall alongside the timings.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta

from reef.planning.overlaps import OverlapAction, find_twinning_candidates

COUNTRIES = [
    *("AG", "BS", "BB", "BZ", "DM", "DO", "GD", "GY"),
    *("HT", "JM", "KN", "LC", "VC", "SR", "TT"),
]
AREAS = ["awareness", "capacity", "standards", "legal", "cooperation", "incident-response"]
TOPICS = [
    "csirt incident handling triage malware",
    "cybercrime law electronic evidence",
    "data protection privacy regulation",
    "prosecutors judges cybercrime cases",
    "police digital forensics laboratory",
    "public awareness phishing campaign",
    "school online safety children",
    "small business cyber hygiene",
    "critical infrastructure risk assessment",
    "national cyber security strategy",
    "university cyber security degree",
    "certification professionals scholarship",
    "incident reporting portal",
    "vulnerability disclosure programme",
    "government network monitoring",
    "pki digital signatures",
    "cloud security baseline",
    "telecom operators resilience",
    "financial sector threat sharing",
    "budapest convention accession",
    "mutual legal assistance requests",
    "regional information sharing platform",
    "cyber exercise tabletop simulation",
    "election systems security",
    "child online protection",
    "open source intelligence training",
    "security operations centre",
    "identity management e-government",
    "cryptocurrency investigations",
    "board level cyber risk governance",
]
VERBS = ["train", "support", "build capacity in", "deliver a programme on", "strengthen",
         "develop", "mentor staff on", "run workshops on"]  # fmt: skip
AUDIENCES = ["government officials", "the national CSIRT", "law enforcement", "the judiciary",
             "small businesses", "universities", "ministry staff", "regulators"]  # fmt: skip
TEMPLATES = [
    "{verb} {topic} for {audience}",
    "{topic}: {verb} with {audience} over several sessions",
    "Programme to {verb} {topic}, working with {audience}",
    "{audience} - {topic} ({verb})",
]


def describe(rng: random.Random, factor: int) -> str:
    return rng.choice(TEMPLATES).format(
        verb=rng.choice(VERBS), topic=TOPICS[factor], audience=rng.choice(AUDIENCES)
    )


def paraphrase(rng: random.Random, factor: int) -> str:
    # Another organisation's wording of the same need: the topic words survive,
    # in their order, with one of them sometimes dropped.
    words = TOPICS[factor].split()
    if len(words) > 2 and rng.random() < 0.5:
        words.pop(rng.randrange(len(words)))
    return rng.choice(TEMPLATES).format(
        verb=rng.choice(VERBS), topic=" ".join(words), audience=rng.choice(AUDIENCES)
    )


def make_actions(n: int, seed: int = 1) -> tuple[list[OverlapAction], set[tuple[str, str]]]:
    rng = random.Random(seed)
    actions: list[OverlapAction] = []
    planted: set[tuple[str, str]] = set()
    i = 0
    while len(actions) < n:
        factor = rng.randrange(len(TOPICS))
        country = None if rng.random() < 0.05 else rng.choice(COUNTRIES)
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        org = rng.randrange(40)
        base = OverlapAction(
            id=f"a{i:06d}",
            organisation_id=f"org{org}",
            country_code=country,
            region_code="CARICOM",
            factor_key=f"f{factor}",
            area_key=AREAS[factor % len(AREAS)],
            description=describe(rng, factor),
            start=start,
            end=start + timedelta(days=rng.randrange(20, 400)),
        )
        actions.append(base)
        i += 1
        if rng.random() < 0.1 and len(actions) < n:  # plant a twin
            twin_start = base.start + timedelta(days=rng.randrange(0, 15))
            twin = OverlapAction(
                id=f"a{i:06d}",
                organisation_id=f"org{(org + 1 + rng.randrange(39)) % 40}",
                country_code=base.country_code,
                region_code="CARICOM",
                factor_key=base.factor_key,
                area_key=base.area_key,
                description=paraphrase(rng, factor),
                start=twin_start,
                end=twin_start + timedelta(days=rng.randrange(20, 200)),
            )
            actions.append(twin)
            planted.add((base.id, twin.id))
            i += 1
    return actions, planted


def run(n: int, repeats: int = 3) -> dict[str, float]:
    actions, planted = make_actions(n)
    timings: list[float] = []
    found: list[tuple[str, str]] = []
    for _ in range(repeats):
        began = time.perf_counter()
        result = find_twinning_candidates(actions)
        timings.append(time.perf_counter() - began)
        found = [(c.a_id, c.b_id) for c in result]
    hits = planted & set(found)
    top: list[float] = []
    for _ in range(repeats):
        began = time.perf_counter()
        find_twinning_candidates(actions, limit=100)
        top.append(time.perf_counter() - began)
    return {
        "actions": n,
        "regional": sum(a.country_code is None for a in actions),
        "median_s": statistics.median(timings),
        "min_s": min(timings),
        "top100_s": statistics.median(top),
        "candidates": len(found),
        "planted": len(planted),
        "recall": len(hits) / len(planted) if planted else 1.0,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [2000, 20000]
    print(
        "| actions | regional | median s | min s | median s, top 100 | candidates "
        "| planted twins | recall | RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = run(n)
        print(
            f"| {r['actions']:,} | {r['regional']:,} | {r['median_s']:.2f} | {r['min_s']:.2f} "
            f"| {r['top100_s']:.2f} | {r['candidates']:,} | {r['planted']:,} | {r['recall']:.3f} "
            f"| {r['max_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
