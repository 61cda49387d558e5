"""Benchmark the stored report: making the PDF in the worker, and serving it once made.

Run from the repository root:

    .venv/bin/python bench/pdf_bench.py                 # 5 runs, throwaway database
    .venv/bin/python bench/pdf_bench.py --runs 9 --keep # keep var/pdf-bench.sqlite3

Sets up the demo as bench/report_bench.py does (not timed) and takes Trinidad and
Tobago's 2024 assessment (about 2,100 ratings, a 20-page report) read by the regional
coordinator. Then, each timed separately:

- generation: the worker's task (`reportfiles.report_generate`) for a queued report,
  from the queued row to the stored file (fingerprint, context, WeasyPrint PDF/UA-1,
  storage), `--runs` times, each from scratch;
- serving: `GET /assessments/<id>/report.pdf` of the stored report through the whole
  Django stack (session, access check, fingerprint, file), `--serve` times; and the same
  GET revalidated with If-None-Match (304, the file is not read).

Prints the median and the worst of each, and the machine's load (1-minute load average
before and after, and the number of CPUs), which on a shared machine moves every number.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from demodb import ROOT, setup_demo


def _stats(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name}: median {statistics.median(ms):.1f} ms, worst {ms[-1]:.1f} ms (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="generations timed")
    parser.add_argument("--serve", type=int, default=50, help="downloads timed")
    parser.add_argument("--database", default=str(ROOT / "var" / "pdf-bench.sqlite3"))
    parser.add_argument("--keep", action="store_true", help="reuse/keep the database")
    args = parser.parse_args()

    setup_demo(Path(args.database), keep=args.keep, media=ROOT / "var" / "pdf-bench-media")
    from django.test import Client

    from reef.accounts.models import User
    from reef.assessments import reportfiles
    from reef.assessments.models import Assessment, ReportFile

    user = User.objects.get(email="coordinator@demo.reef")
    assessment = Assessment.objects.get(country__code="TT", cycle="2024")
    print(f"assessment {assessment.pk}: {assessment.title}, {assessment.ratings.count()} ratings")
    load_before = os.getloadavg()[0]

    generation: list[float] = []
    row = None
    for _ in range(args.runs):
        for old in ReportFile.objects.filter(assessment=assessment):
            old.file.delete(save=False)
            old.delete()
        inputs, view = reportfiles.fingerprint(user, assessment)
        row = ReportFile.objects.create(
            assessment=assessment,
            format="pdf",
            language="en",
            inputs=inputs,
            view=view,
            requested_by=user,
        )
        t0 = time.perf_counter()
        done = reportfiles.report_generate(report_id=row.pk)
        generation.append(time.perf_counter() - t0)
        assert done is not None and done.state == "done", done and done.error
    assert row is not None
    row.refresh_from_db()
    print(f"PDF: {row.size / 1024:.0f} KiB")

    client = Client()
    client.force_login(user)
    url = f"/assessments/{assessment.pk}/report.pdf"
    serving: list[float] = []
    etag = ""
    for _ in range(args.serve):
        t0 = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        serving.append(time.perf_counter() - t0)
        assert response.status_code == 200 and body.startswith(b"%PDF"), response.status_code
        etag = response["ETag"]
    revalidated: list[float] = []
    for _ in range(args.serve):
        t0 = time.perf_counter()
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        revalidated.append(time.perf_counter() - t0)
        assert response.status_code == 304
    load_after = os.getloadavg()[0]

    _stats("generation in the worker", generation)
    _stats("serving the stored PDF (200)", serving)
    _stats("revalidating the stored PDF (304)", revalidated)
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load {load_before:.2f} before, "
        f"{load_after:.2f} after"
    )


if __name__ == "__main__":
    main()
