"""Long work of assessments, run through Django's tasks framework (immediately in dev and tests)."""

from __future__ import annotations

from django.tasks import task

from reef.assessments.reportwork import report_generate


@task()
def generate_report(report_id: int) -> str:
    """Make a report asked for with `reportfiles.report_request`; its state afterwards."""
    row = report_generate(report_id=report_id)
    return row.state if row is not None else "gone"
