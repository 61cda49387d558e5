"""Browser test (issue 14): the whole cycle through the pages only, the personas signing in.

The focal point requests an assessment; the coordinator accepts it and confirms a team
proposed from the expert network; two assessors rate a factor each on their factor page and
one rates through an XLSX sheet; the lead consolidates and sets targets; the focal point
agrees them; the country reviews the draft report; the report is released with a public
summary; a gap becomes a need with a cost; a donor finds it among unfunded needs and
offers; the state accepts; the donor reports delivery; the state verifies; the regional
page shows the commitment covered. At every hand-off the next person sees a notification
(the header's unread badge, then the inbox item) and follows it to the place to act.

Only the world is set up by services (directory, personas with roles, a small expert
network, a small framework, a regional plan); every step of the cycle is clicks and form
fills. Screenshots of each hand-off are saved to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# The world, the cast and the steps live beside this module (cycle_cast.py, cycle_steps.py).
from reef.core.tests.cycle_cast import DISPUTED, Cast, _browser, _sign_in, _world
from reef.core.tests.cycle_steps import (
    _accept,
    _agree_targets,
    _consolidate_and_target,
    _deliver,
    _gap_to_need,
    _offer,
    _rate,
    _regional,
    _release_report,
    _report_records_the_review,
    _request,
    _review_draft_report,
    _team_from_network,
)
from tests_support.browser import chromium_available, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_the_whole_cycle_through_the_pages(live_server: Any, tmp_path: Path) -> None:
    from reef.assessments.models import Decision, Status
    from reef.planning.models import Commitment
    from reef.records.models import Publication

    world = _world(tmp_path)
    cast = Cast(base=live_server.url, users=world["users"])
    with _browser() as browser:
        try:
            for name, user in cast.users.items():
                cast.pages[name] = _sign_in(browser, cast.base, user)
            assessment = _request(cast)
            _accept(cast, assessment)
            _team_from_network(cast, assessment)
            assessment.refresh_from_db()
            assert assessment.status == Status.RATING
            assert assessment.lead == cast.users["expert"]
            _rate(cast, assessment)
            _consolidate_and_target(cast, assessment)
            _agree_targets(cast, assessment)
            pub_url = _review_draft_report(cast, assessment)
            _release_report(cast, assessment, pub_url)
            _report_records_the_review(cast, assessment)
            need = _gap_to_need(cast, assessment)
            commitment = _offer(cast, need)
            _deliver(cast, commitment)
            _regional(cast, world["regional"])
        except Exception:
            for name, page in cast.pages.items():
                screenshot(page, f"cycle-failure-{name}")
            raise
    assessment.refresh_from_db()
    assert assessment.status == Status.COMPLETE
    assert Decision.objects.get(assessment=assessment, indicator__key=DISPUTED).value == "partial"
    report = Publication.objects.get(assessment=assessment)
    assert report.status == Publication.Status.PUBLISHED and report.released_at is not None
    assert Publication.objects.filter(
        kind=Publication.Kind.BRIEF, owner_country__code="GD", status="published"
    ).exists()
    assert Commitment.objects.get(pk=commitment.pk).status == Commitment.Status.VERIFIED
