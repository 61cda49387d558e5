"""A throwaway SQLite database with the demo loaded, for the benchmarks that time work on
demo-sized records (report_bench.py, pdf_bench.py). Setting up is not timed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_demo(database: Path, *, keep: bool, media: Path | None = None) -> None:
    """Django set up on `database` (deleted first unless `keep`), migrated, the demo loaded
    unless Trinidad and Tobago's assessment is already there."""
    database.parent.mkdir(exist_ok=True)
    if not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["REEF_DEMO"] = "true"
    os.environ["REEF_DATABASE_URL"] = f"sqlite:///{database}"
    if media is not None:
        os.environ.setdefault("REEF_MEDIA_ROOT", str(media))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from reef.assessments.models import Assessment
    from reef.core.demo import load_all

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not Assessment.objects.filter(country__code="TT").exists():
        load_all(lambda _line: None)
    print(f"setup: {time.perf_counter() - started:.1f} s (not timed below)")
