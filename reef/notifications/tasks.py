"""Mail leaves through the task worker, never during the request that notified."""

from __future__ import annotations

from django.tasks import task


@task()
def send_notification_email(notification_id: int) -> bool:
    """Mail one notification to its recipient (immediate delivery)."""
    from reef.notifications.mailing import notification_email_send

    return notification_email_send(notification_id=notification_id)


@task()
def send_digest() -> int:
    """The daily digest (run once a day: `reef notifications digest`)."""
    from reef.notifications.mailing import notifications_send_digest

    return notifications_send_digest()
