"""A region at scale, for query-count tests and bench/pages_bench.py.

Builders for what `reef.planning.tests.scale.make_region` does not make: assessments on
the shipped reef-cmm framework over several cycles, experts with a review round,
missions and mentoring, consultations with participants and votes, and the public
record (events, publications, briefings). `make_world` calls them all.

The workflow goes through the services (requests, teams, ratings, decisions, targets,
reports, profiles, records), so states, TLP labels, memberships and the audit trail
are what the application makes. Rows that come in tens of thousands are inserted in
bulk, as `consultation_import_polis` does: the community's user accounts (verified
addresses, no role, unusable passwords), consultation participants, statements and
votes, each labelled like their consultation (`copy_label`). Ratings use
`ratings_bulk_submit`, which is itself one statement per batch.

Everything is deterministic (seeded); the names say "(scale)" so that nobody takes them
for real data.
"""

from __future__ import annotations

# One package of modules since it outgrew one module (common, assessments, experts,
# consultations, records, world); every name stays importable from here.
from reef.core.tests.scale.assessments import (
    LAST_CYCLE,
    make_assessment,
    make_assessments,
    make_reports,
)
from reef.core.tests.scale.common import (
    ASSESSOR_EMAILS,
    COORDINATOR_EMAIL,
    VALUES,
    assessors,
    focal_point,
    region_countries,
    shipped_framework,
)
from reef.core.tests.scale.consultations import (
    make_community,
    make_consultation,
    make_consultations,
)
from reef.core.tests.scale.experts import SECTORS, ExpertNetwork, make_experts
from reef.core.tests.scale.records import make_records
from reef.core.tests.scale.world import (
    World,
    assert_counts_stable,
    assessor_client,
    expert_persona_profile,
    grow_region,
    make_world,
    queries_of,
    split_countries,
)

__all__ = [
    "ASSESSOR_EMAILS",
    "COORDINATOR_EMAIL",
    "LAST_CYCLE",
    "SECTORS",
    "VALUES",
    "ExpertNetwork",
    "World",
    "assert_counts_stable",
    "assessor_client",
    "assessors",
    "expert_persona_profile",
    "focal_point",
    "grow_region",
    "make_assessment",
    "make_assessments",
    "make_community",
    "make_consultation",
    "make_consultations",
    "make_experts",
    "make_records",
    "make_reports",
    "make_world",
    "queries_of",
    "region_countries",
    "shipped_framework",
    "split_countries",
]
