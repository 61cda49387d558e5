"""E-mail of notifications, sent by the task worker (reef/notifications/tasks.py): one
mail per notification for those who chose immediate mail, a daily digest for the others,
each in the recipient's language."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.language import in_language_of
from reef.core.audit import audit_append
from reef.core.rules import WORKER
from reef.notifications.models import Delivery, Notification, NotificationPreference
from reef.notifications.render import render
from reef.notifications.selectors import delivery_of

log = logging.getLogger(__name__)

# An immediate mail still unsent after this long has failed; the daily run sends it again.
RETRY_AFTER = timedelta(minutes=15)


def _footer() -> str:
    return _("Choose immediate e-mails or a daily digest: %(url)s") % {
        "url": f"{settings.REEF_SITE_URL}/notifications/preferences/"
    }


def _mail_text(n: Notification) -> tuple[str, str]:
    shown = render(n)
    lines = [shown.body]
    if shown.url:
        lines.append(f"{settings.REEF_SITE_URL}{shown.url}")
    return shown.title, "\n".join(lines)


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Mail one notification to its recipient in their language, once. False when there is
    nothing to send (already mailed, waiting for the digest, no address)."""
    n = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if n is None or delivery_of(n.recipient) != Delivery.IMMEDIATE:
        return False
    user = n.recipient
    if not user.is_active or not user.email:
        return False
    with in_language_of(user):
        title, text = _mail_text(n)
        subject = _("[Reef] %(title)s") % {"title": title}
        body = f"{text}\n\n-- \n{_footer()}\n"
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException):  # still unmailed: the daily run retries it
        log.warning("could not mail notification %s to user %s", n.pk, user.pk)
        return False
    n.emailed_at = timezone.now()
    n.save(update_fields=["emailed_at", "updated_at"])
    audit_append(action="notification_emailed", actor=WORKER, obj=n)
    return True


def notifications_send_digest(*, now: datetime | None = None) -> int:
    """One e-mail per digest user gathering their unread notifications not yet mailed
    (a day's, when run daily). Immediate users get no digest; only their immediate mails
    that failed are sent again. Returns the mails sent."""
    now = now or timezone.now()
    sent = 0
    users = NotificationPreference.objects.filter(delivery=Delivery.DIGEST).values_list(
        "user_id", flat=True
    )
    for user_id in users:
        try:
            sent += _digest_one(user_id, now)
        except (OSError, smtplib.SMTPException):  # left unmailed: the next run retries
            log.warning("could not mail the digest to user %s", user_id)
    # Immediate mails that failed (mail server down) go again, one by one.
    stale = (
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, created_at__lte=now - RETRY_AFTER
        )
        .exclude(recipient_id__in=users)
        .values_list("pk", flat=True)
    )
    for pk in list(stale):
        sent += int(notification_email_send(notification_id=pk))
    return sent


@transaction.atomic
def _digest_one(user_id: int, now: datetime) -> int:
    pending = list(
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(recipient_id=user_id, emailed_at__isnull=True, created_at__lte=now)
        .order_by("created_at", "pk")
    )
    if not pending:
        return 0
    user = pending[0].recipient
    unread = [n for n in pending if n.read_at is None]
    mailed = 0
    if unread and user.is_active and user.email:
        with in_language_of(user):
            subject = _("[Reef] Your daily digest: %(n)s notifications") % {"n": len(unread)}
            parts = []
            for n in unread:
                title, text = _mail_text(n)
                parts.append(f"* {title}\n  {text.replace(chr(10), chr(10) + '  ')}")
            body = "\n\n".join(parts) + f"\n\n-- \n{_footer()}\n"
        send_mail(subject, body, None, [user.email])
        mailed = 1
    # Read ones need no mail: they are done too.
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    audit_append(
        action="notification_digest",
        actor=WORKER,
        object_type="accounts.user",
        object_id=str(user_id),
        detail={"notifications": len(unread), "mailed": bool(mailed)},
    )
    return mailed
