"""Benchmark the needs assessment report (PDF) of one demo-sized country.

Run from the repository root:

    .venv/bin/python bench/report_bench.py                 # 3 runs, throwaway database
    .venv/bin/python bench/report_bench.py --runs 5 --keep # keep var/report-bench.sqlite3

It creates a SQLite database (migrate, then the demo directory, accounts,
frameworks and assessments), picks Trinidad and Tobago's 2024 assessment
(reef-cmm: 58 aspects, 696 indicators, three assessors, about 2,100 ratings)
and renders its report as the regional coordinator. Setting up is not timed;
each run times the report context (scoring, charts, evidence), the HTML and
the PDF (WeasyPrint) separately, and prints the median and the worst run.

On the development VM (shared, loaded) the PDF of that 20-page report took
about 6 s unloaded and up to 25 s while other test suites ran; the context
(scoring 2,088 ratings and drawing the SVG charts) about 1.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from demodb import ROOT, setup_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default=str(ROOT / "var" / "report-bench.sqlite3"))
    parser.add_argument("--keep", action="store_true", help="reuse/keep the database")
    parser.add_argument("-o", "--output", default="", help="also write the last PDF here")
    args = parser.parse_args()

    setup_demo(Path(args.database), keep=args.keep)
    from reef.accounts.models import User
    from reef.assessments import report
    from reef.assessments.models import Assessment

    user = User.objects.get(email="coordinator@demo.reef")
    assessment = Assessment.objects.get(country__code="TT", cycle="2024")
    ratings = assessment.ratings.count()
    print(f"assessment {assessment.pk}: {assessment.title}, {ratings} ratings")

    context_t: list[float] = []
    html_t: list[float] = []
    pdf_t: list[float] = []
    pdf = b""
    for _ in range(args.runs):
        t0 = time.perf_counter()
        report.report_context(user, assessment)
        t1 = time.perf_counter()
        report.render_html(user, assessment)
        t2 = time.perf_counter()
        pdf = report.render_pdf(user, assessment)
        t3 = time.perf_counter()
        context_t.append(t1 - t0)
        html_t.append(t2 - t1)
        pdf_t.append(t3 - t2)
    assert pdf.startswith(b"%PDF")
    print(f"report: {len(pdf) / 1024:.0f} KiB, {args.runs} runs")
    for label, values in (
        ("context (scoring, charts)", context_t),
        ("HTML (context + template)", html_t),
        ("PDF (context + template + WeasyPrint)", pdf_t),
    ):
        print(
            f"  {label:40s} median {statistics.median(values):6.2f} s  worst {max(values):6.2f} s"
        )
    if args.output:
        Path(args.output).write_bytes(pdf)
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
