"""After a load run: nothing accepted was lost, nothing doubled, the audit chain holds.

    python bench/load/verify_writes.py COUNTS.json SCENARIO.json SERVER.log

Compares the writes the server acknowledged (2xx lines of its access log) with
what the database holds: every acknowledged comment is stored exactly once;
votes and ratings replace earlier ones, so there are at most as many as
acknowledged and never more than one per participant and statement (or
assessor and indicator). Locust's own counts (COUNTS.json) are shown too: they
miss the requests in flight when the run stops, so they can be a few lower.

The other writes of the profile:

- ratings: every saved rating row (single, batch or sheet) adds one version step,
  so the versions stored add up to exactly the rating writes acknowledged (single
  ratings from the server's log, rows of batches and sheets as counted by locust,
  which lets its users finish their task when the run stops);
- invitations: every accepted link (302 in the log) is an accepted invitation,
  an account and one Grenada membership, none twice;
- notifications marked read (API 200, page 302): each is read, with at most one
  `notification_read` audit entry;
- amendments: every acknowledged proposal is stored once, every acknowledged
  decision decided one, and each section's version is 1 + its accepted amendments;
- commitments: one per acknowledged offer, and the steps they went through
  (offered = 0 ... verified = 4) add up to the acknowledged transitions.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")


def main() -> int:
    import django

    django.setup()
    from django.db.models import Count, Sum

    from reef.assessments.models import Rating
    from reef.consultations.models import SectionComment, Vote
    from reef.core.audit import audit_seal_pending, audit_verify

    counts = json.loads(Path(sys.argv[1]).read_text())
    log = Path(sys.argv[3]).read_text(errors="replace") if len(sys.argv) > 3 else ""
    scenario = json.loads(Path(sys.argv[2]).read_text())
    consultation, assessment = int(scenario["consultation"]), int(scenario["assessment"])

    def acknowledged(pattern: str, status: str = "20[01]") -> int:
        return len(re.findall(rf'"POST {pattern} HTTP/1.1" {status} ', log))

    def acknowledged_ids(pattern: str, status: str) -> set[int]:
        return {int(i) for i in re.findall(rf'"POST {pattern} HTTP/1.1" {status} ', log)}

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
    checks = {
        f"comments stored {comments.count()} == accepted {accepted('section comment')}": (
            comments.count() == accepted("section comment")
        ),
        f"votes stored {votes.count()} <= accepted {accepted('vote')}, none doubled": (
            votes.count() <= accepted("vote") and doubled_votes == 0
        ),
    }
    checks.update(_more_checks(scenario, acknowledged, acknowledged_ids))
    audit_seal_pending(wait=True, passes=None)  # what the servers' last seals left
    chain = audit_verify()
    for name in acked:
        print(f"== {name}: server acknowledged {acked[name]}, locust counted {counts.get(name, 0)}")
    versions = ratings.aggregate(n=Sum("version"))["n"] or 0
    rows = int(counts.get("writes: rating rows", 0))
    checks[
        f"rating versions stored {versions} == writes acknowledged {accepted('rating') + rows}"
        f" ({accepted('rating')} single, {rows} in batches and sheets),"
        f" {ratings.count()} ratings, none doubled"
    ] = versions == accepted("rating") + rows and doubled_ratings == 0
    checks[f"audit chain verifies ({chain.entries} entries)"] = chain.ok
    for label, ok in checks.items():
        print(f"== {'ok  ' if ok else 'FAIL'} {label}")
    return 0 if all(checks.values()) else 1


def _more_checks(
    scenario: dict[str, Any],
    acknowledged: Callable[..., int],
    acknowledged_ids: Callable[[str, str], set[int]],
) -> dict[str, bool]:
    from django.db.models import Count

    from reef.accounts.models import Invitation, Membership
    from reef.consultations.models import Amendment, Section
    from reef.core.models import AuditEntry
    from reef.notifications.models import Notification
    from reef.planning.models import Commitment

    checks: dict[str, bool] = {}
    # Invitations: an accepted link is one account with one membership, never two.
    accepted_links = acknowledged(r"/people/invitation/[^/ ]+/", "302")
    invitations = Invitation.objects.filter(email__startswith="invitee-")
    taken = invitations.filter(accepted_at__isnull=False)
    members = Membership.objects.filter(user__email__startswith="invitee-", country__code="GD")
    doubled = members.values("user").annotate(n=Count("id")).filter(n__gt=1).count()
    checks[
        f"invitations accepted {taken.count()} == links accepted {accepted_links},"
        f" memberships {members.count()}, none doubled"
    ] = taken.count() == accepted_links == members.count() and doubled == 0

    # Notifications marked read: each one read, audited once at most.
    read_ids = acknowledged_ids(r"/api/v1/notifications/(\d+)/read", "200") | acknowledged_ids(
        r"/notifications/(\d+)/read/", "302"
    )
    unread = Notification.objects.filter(pk__in=read_ids, read_at__isnull=True).count()
    audited_twice = (
        AuditEntry.objects.filter(action="notification_read")
        .values("object_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    checks[
        f"notifications marked read {len(read_ids)}: unread among them {unread},"
        f" audited twice {audited_twice}"
    ] = unread == 0 and audited_twice == 0

    # Amendments: proposals stored once, decisions applied once.
    consultation = int(scenario["consultation"])
    proposed = acknowledged(rf"/api/v1/consultations/{consultation}/sections/\d+/amendments")
    decided = acknowledged(rf"/api/v1/consultations/{consultation}/amendments/\d+/decision", "200")
    amendments = Amendment.objects.filter(section__consultation_id=consultation)
    stored_decided = amendments.exclude(status=Amendment.Status.PENDING).count()
    sections_ok = all(
        s.version == 1 + amendments.filter(section=s, status=Amendment.Status.ACCEPTED).count()
        for s in Section.objects.filter(consultation_id=consultation)
    )
    checks[
        f"amendments stored {amendments.count()} == proposed {proposed}; decided"
        f" {stored_decided} == decisions {decided}; section versions = 1 + accepted"
    ] = amendments.count() == proposed and stored_decided == decided and sections_ok

    # Commitments: one per offer; their steps add up to the transitions acknowledged.
    offers = acknowledged(r"/api/v1/planning/needs/\d+/commitments", "201")
    moves = acknowledged(r"/api/v1/planning/commitments/\d+/transition", "200")
    order = ["offered", "accepted", "in_progress", "delivered", "verified"]
    commitments = Commitment.objects.filter(need_id__in=scenario.get("needs", []))
    steps = sum(order.index(c.status) for c in commitments)
    checks[
        f"commitments stored {commitments.count()} == offers {offers};"
        f" steps {steps} == transitions {moves}"
        f" ({commitments.filter(status='verified').count()} verified)"
    ] = commitments.count() == offers and steps == moves
    return checks


if __name__ == "__main__":
    raise SystemExit(main())
