"""Long work run through Django's tasks framework (immediately in dev and tests).

Queued tasks are stored under these functions' paths (``reef.consultations.tasks.<name>``):
keep them. This module imports the services; the services never import it (they queue
`analyse_consultation` by its path, `services.analysis.ANALYSE_TASK`).
"""

from __future__ import annotations

from django.tasks import task


@task()
def analyse_consultation(consultation_id: int) -> int:
    """Recompute the opinion analysis of a consultation (queued by the writes it depends on,
    at most one queued per consultation). Returns the votes analysed."""
    from reef.consultations.models import Consultation
    from reef.consultations.services import analysis_started, consultation_analyse

    analysis_started(consultation_id=consultation_id)
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    if consultation.analysis and not consultation.analysis_stale:
        return int(consultation.analysis.get("n_votes", 0))  # a run queued earlier did it
    analysis = consultation_analyse(consultation=consultation)
    return int(analysis["n_votes"])


@task()
def send_reminders() -> int:
    """Mail reminders for consultations about to close (run it hourly)."""
    from reef.consultations.services import consultation_send_reminders
    from reef.core.rules import WORKER

    return consultation_send_reminders(actor=WORKER)
