"""After a load run: nothing accepted was lost, nothing doubled, the audit chain holds.

    python bench/load/verify_writes.py COUNTS.json SCENARIO.json SERVER.log

Compares the writes the server acknowledged (2xx lines of its access log) with
what the database holds: every acknowledged comment is stored exactly once;
votes and ratings replace earlier ones, so there are at most as many as
acknowledged and never more than one per participant and statement (or
assessor and indicator). Locust's own counts (COUNTS.json) are shown too: they
miss the requests in flight when the run stops, so they can be a few lower.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")


def main() -> int:
    import django

    django.setup()
    from django.db.models import Count

    from reef.assessments.models import Rating
    from reef.consultations.models import SectionComment, Vote
    from reef.core.audit import audit_verify

    counts = json.loads(Path(sys.argv[1]).read_text())
    log = Path(sys.argv[3]).read_text(errors="replace") if len(sys.argv) > 3 else ""
    scenario = json.loads(Path(sys.argv[2]).read_text())
    consultation, assessment = int(scenario["consultation"]), int(scenario["assessment"])

    def acknowledged(pattern: str) -> int:
        return len(re.findall(rf'"POST {pattern} HTTP/1.1" 20[01] ', log))

    acked = {
        "section comment": acknowledged(
            rf"/api/v1/consultations/{consultation}/sections/\d+/comments"
        ),
        "vote": acknowledged(rf"/api/v1/consultations/{consultation}/votes"),
        "rating": acknowledged(rf"/api/v1/assessments/{assessment}/ratings"),
    }

    def accepted(name: str) -> int:
        """Acknowledged by the server (its log), else as counted by locust."""
        return acked[name] if log else int(counts.get(name, 0))

    comments = SectionComment.objects.filter(section__consultation_id=scenario["consultation"])
    votes = Vote.objects.filter(consultation_id=scenario["consultation"])
    ratings = Rating.objects.filter(assessment_id=scenario["assessment"])
    doubled_votes = (
        votes.values("participant", "statement").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    doubled_ratings = (
        ratings.values("assessor_key", "indicator").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    chain = audit_verify()
    for name in acked:
        print(f"== {name}: server acknowledged {acked[name]}, locust counted {counts.get(name, 0)}")
    checks = {
        f"comments stored {comments.count()} == accepted {accepted('section comment')}": (
            comments.count() == accepted("section comment")
        ),
        f"votes stored {votes.count()} <= accepted {accepted('vote')}, none doubled": (
            votes.count() <= accepted("vote") and doubled_votes == 0
        ),
        f"ratings stored {ratings.count()} <= accepted {accepted('rating')}, none doubled": (
            ratings.count() <= accepted("rating") and doubled_ratings == 0
        ),
        f"audit chain verifies ({chain.entries} entries)": chain.ok,
    }
    for label, ok in checks.items():
        print(f"== {'ok  ' if ok else 'FAIL'} {label}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
