"""Timing whole processes for the peer benchmarks (opinion_bench.py, matching_bench.py):
wall and CPU time and peak memory of one child, commands alternated and their medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GNU_TIME = Path("/usr/bin/time")
MEASURES = ("wall", "cpu", "mb")


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:  # pragma: no cover - not on every platform
        return (float("nan"),) * 3


def _sample_hwm(pid: int, stop: threading.Event, peak: list[float]) -> None:
    status = Path(f"/proc/{pid}/status")
    while not stop.is_set():
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024.0)
        except OSError:
            return
        stop.wait(0.01)


def run_process(argv: list[str], stdout: Path) -> dict[str, float]:
    """One whole process: wall seconds, CPU seconds (user + sys) and peak RSS in MiB (GNU
    time's %M: getrusage of a child forked from a small process; else VmHWM sampled)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.NamedTemporaryFile(suffix=".time", delete=False) as tmp:
        timing = Path(tmp.name)
    use_time = GNU_TIME.is_file()
    cmd = [str(GNU_TIME), "-o", str(timing), "-f", "%M %U %S", *argv] if use_time else argv
    with open(stdout, "wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, cwd=ROOT, env=env)
        peak = [0.0]
        stop = threading.Event()
        sampler = None
        if not use_time:
            sampler = threading.Thread(target=_sample_hwm, args=(proc.pid, stop, peak))
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        stop.set()
        if sampler is not None:
            sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"failed: {' '.join(argv)}")
    cpu = usage.ru_utime + usage.ru_stime
    if use_time:
        kib, user, system = timing.read_text().split()[-3:]
        peak[0], cpu = int(kib) / 1024.0, float(user) + float(system)
    timing.unlink()
    return {"wall": wall, "cpu": cpu, "mb": peak[0]}


def alternate(
    argv: dict[str, list[str]], stdouts: dict[str, Path], repeats: int
) -> dict[str, list[dict[str, float]]]:
    """Each command `repeats` times, alternating which goes first; every run's figures."""
    names = list(argv)
    runs: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for i in range(repeats):
        for name in names if i % 2 == 0 else names[::-1]:
            runs[name].append(run_process(argv[name], stdouts[name]))
            print(f"  {name} run {i + 1}: {runs[name][-1]}", flush=True)
    return runs


def medians(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {k: statistics.median(r[k] for r in runs) for k in MEASURES}
