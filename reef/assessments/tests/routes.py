from __future__ import annotations

from typing import Any

from reef.assessments.models import Rating, Status
from reef.assessments.tests.helpers import build
from reef.core.tests.routes import Sample, only

# Who may see a Grenada assessment: the focal point (country), the coordinator (region and
# team lead) and the expert (team member).
VIEWERS = ["focal_point", "coordinator", "expert"]


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    a = build(users, until=Status.COMPLETE)
    rating = Rating.objects.filter(assessment=a).first()
    assert rating is not None
    indicator = rating.indicator
    pk = {"pk": a.pk}
    post_only = only(VIEWERS, ok=405)
    return {
        "assessments:assessment_detail": Sample(kwargs=pk, expect=only(VIEWERS)),
        "assessments:assessment_step": Sample(kwargs={**pk, "step": "accept"}, expect=post_only),
        "assessments:assessment_team": Sample(kwargs=pk, expect=post_only),
        "assessments:session_add": Sample(kwargs=pk, expect=post_only),
        "assessments:summary_save": Sample(kwargs=pk, expect=post_only),
        "assessments:assessment_reassess": Sample(kwargs=pk, expect=post_only),
        "assessments:rating_form": Sample(kwargs=pk, expect={**only(VIEWERS), "focal_point": 403}),
        # The sheet is the assessor's: the team (not the country) may get it.
        "assessments:rating_sheet": Sample(kwargs=pk, expect={**only(VIEWERS), "focal_point": 403}),
        "assessments:rating_save_group": Sample(kwargs=pk, expect=post_only),
        "assessments:rating_save": Sample(
            kwargs={**pk, "indicator_id": indicator.pk}, expect=post_only
        ),
        # The rating is TLP:AMBER+STRICT for Grenada: the country and the team see it.
        "assessments:evidence_download": Sample(
            kwargs={**pk, "rating_id": rating.pk}, expect=only(VIEWERS, ok=404)
        ),
        "assessments:consolidation": Sample(
            kwargs=pk, expect={**only(VIEWERS), "focal_point": 403, "expert": 403}
        ),
        "assessments:decision_save": Sample(
            kwargs={**pk, "indicator_id": indicator.pk}, expect=post_only
        ),
        "assessments:results": Sample(kwargs=pk, expect=only(VIEWERS)),
        "assessments:targets_save": Sample(kwargs=pk, expect=post_only),
        "assessments:report": Sample(kwargs=pk, expect=only(VIEWERS)),
        # Nothing prepared yet: the download sends viewers to the report page (302).
        "assessments:report_pdf": Sample(kwargs=pk, expect=only(VIEWERS, ok=302)),
        "assessments:report_docx": Sample(kwargs=pk, expect=only(VIEWERS, ok=302)),
        "assessments:report_status": Sample(kwargs={**pk, "fmt": "pdf"}, expect=only(VIEWERS)),
        "assessments:report_prepare": Sample(kwargs={**pk, "fmt": "pdf"}, expect=post_only),
        "assessments:trends": Sample(kwargs=pk, expect=only(VIEWERS)),
        "assessments:compare": Sample(kwargs=pk, expect=only(VIEWERS)),
        # Not a gap: the manager is told so (302 back); the team may not add needs (403).
        "assessments:gap_to_need": Sample(
            kwargs={**pk, "aspect": "no-such-aspect"},
            method="post",
            expect={**only(VIEWERS), "focal_point": 302, "coordinator": 403, "expert": 403},
        ),
    }
