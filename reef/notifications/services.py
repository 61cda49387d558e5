"""Every write of notifications: send (`notify`), mark read, preferences, e-mail and digest.

A hand-off in any app is one call:

    notify(recipients=recipients.lead_of_assessment(a), kind="assessment.rating_closed",
           subject_obj=a, actor=actor, url=f"/assessments/{a.pk}/")

In-app notifications are created in the caller's transaction; the e-mail leaves
through the task worker after commit (immediately, or in the daily digest).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.language import in_language_of
from reef.core.access import LabelledQuerySet
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import WORKER, Actor, SystemActor, require, user_of
from reef.core.tlp import TLP
from reef.notifications import rules
from reef.notifications.kinds import get_kind
from reef.notifications.models import Delivery, Notification, NotificationPreference
from reef.notifications.render import render
from reef.notifications.selectors import unread_key

if TYPE_CHECKING:
    from reef.accounts.models import User

log = logging.getLogger(__name__)

MAX_AREAS = 50
# An immediate mail still unsent after this long has failed; the daily run sends it again.
RETRY_AFTER = timedelta(minutes=15)


def _check_url(url: str) -> str:
    # A path on this site only: a notification never sends people elsewhere.
    if url and (not url.startswith("/") or url.startswith("//") or len(url) > 300):
        raise ServiceError(_("A notification links to a page of this site only."), field="url")
    return url


def _forget_unread(user_ids: Iterable[int]) -> None:
    """Drop the cached header counts now and again at commit (a page read in between
    may have cached the old count)."""
    keys = [unread_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def delivery_of(user: Any) -> str:
    pref = NotificationPreference.objects.filter(user_id=user.pk).first()
    return pref.delivery if pref is not None else Delivery.IMMEDIATE


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject_obj: models.Model,
    actor: Actor,
    url: str = "",
) -> list[Notification]:
    """Notify each recipient (once) of a hand-off about `subject_obj`.

    Skipped: inactive users, the actor themself, and anyone who may not see the
    record (a notification never reveals one). Returns the notifications created.
    """
    found = get_kind(kind)
    if found is None:
        raise ServiceError(
            _("Unknown notification kind “%(kind)s”.") % {"kind": kind}, field="kind"
        )
    if subject_obj.pk is None or subject_obj._meta.label_lower != found.model:
        raise ServiceError(
            _("A “%(kind)s” notification is about a %(model)s record.")
            % {"kind": kind, "model": found.model},
            field="subject_obj",
        )
    url = _check_url(url)
    manager_qs = type(subject_obj)._default_manager.all()
    if not isinstance(manager_qs, LabelledQuerySet):
        raise ServiceError(_("Notifications are about labelled records only."), field="subject_obj")
    actor_user = user_of(actor)
    content_type = ContentType.objects.get_for_model(subject_obj)
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen or not user.is_active or (actor_user and user.pk == actor_user.pk):
            continue
        seen.add(user.pk)
        if not manager_qs.for_user(user).filter(pk=subject_obj.pk).exists():
            continue
        created.append(
            Notification.objects.create(
                recipient=user,
                kind=kind,
                subject_type=content_type,
                subject_id=subject_obj.pk,
                actor=actor_user,
                actor_label=str(actor) if isinstance(actor, SystemActor) else "",
                url=url,
                tlp=TLP.RED,
            )
        )
    audit_append(
        action="notification_send",
        actor=actor,
        obj=subject_obj,
        detail={"kind": kind, "recipients": [n.recipient_id for n in created]},
    )
    _forget_unread(n.recipient_id for n in created)
    immediate = [n.pk for n in created if delivery_of(n.recipient) == Delivery.IMMEDIATE]
    if immediate:
        from reef.notifications.tasks import send_notification_email

        def enqueue() -> None:
            for pk in immediate:
                send_notification_email.enqueue(pk)

        # The hand-off is committed: a queue that fails must not turn it into an error.
        transaction.on_commit(enqueue, robust=True)
    return created


def notify_handoff(
    *, kind: str, subject_obj: models.Model, actor: Actor, url: str = ""
) -> list[Notification]:
    """A hand-off in one call: the kind's own recipients (reef.notifications.recipients)."""
    from reef.notifications.recipients import recipients_for

    if get_kind(kind) is None:
        raise ServiceError(
            _("Unknown notification kind “%(kind)s”.") % {"kind": kind}, field="kind"
        )
    return notify(
        recipients=recipients_for(kind, subject_obj),
        kind=kind,
        subject_obj=subject_obj,
        actor=actor,
        url=url,
    )


def notification_send(
    *, recipient: User, kind: str, subject_obj: models.Model, actor: Actor, url: str = ""
) -> Notification | None:
    """One recipient; None when they were skipped (see `notify`)."""
    sent = notify(recipients=[recipient], kind=kind, subject_obj=subject_obj, actor=actor, url=url)
    return sent[0] if sent else None


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (again is harmless); others' are 404."""
    require(rules.may_mark_read, actor, notification, hidden=True)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        audit_append(action="notification_read", actor=actor, obj=notification)
        _forget_unread([notification.recipient_id])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read. Returns how many."""
    if not getattr(actor, "is_authenticated", False):
        raise ServiceError(_("Not found."), code="not_found")
    count = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )
    if count:
        audit_append(action="notification_read_all", actor=actor, detail={"count": count})
        _forget_unread([actor.pk])
    return count


@transaction.atomic
def notifications_erase(*, actor: Actor, recipient_id: int, app_label: str) -> int:
    """Erase a recipient's notifications about one app's records, for that app's own data
    deletion (an expert deleting their profile); the caller checked who may. Returns how many."""
    count: int = Notification.objects.filter(
        recipient_id=recipient_id, subject_type__app_label=app_label
    ).delete()[0]
    if count:
        audit_append(
            action="notification_erase",
            actor=actor,
            object_type="accounts.user",
            object_id=str(recipient_id),
            detail={"app": app_label, "count": count},
        )
        _forget_unread([recipient_id])
    return count


def _valid_areas(actor: User, need_areas: Iterable[str]) -> list[str]:
    from reef.planning.models import Area

    wanted = [str(a).strip() for a in need_areas]
    if len(wanted) > MAX_AREAS:
        raise ServiceError(_("Follow at most %(n)s areas.") % {"n": MAX_AREAS}, field="need_areas")
    known = set(Area.objects.for_user(actor).values_list("key", flat=True))
    unknown = sorted({a for a in wanted if a not in known})
    if unknown:
        raise ServiceError(
            _("Unknown area: %(areas)s.") % {"areas": ", ".join(unknown)}, field="need_areas"
        )
    return sorted(set(wanted))


@transaction.atomic
def notification_preference_set(
    *, actor: User, delivery: str, need_areas: Iterable[str] | None = None
) -> NotificationPreference:
    """Set how the actor receives mail (immediate or daily digest) and the areas they follow
    (None leaves the areas as they are)."""
    if not getattr(actor, "is_authenticated", False):
        raise ServiceError(_("Not found."), code="not_found")
    if delivery not in Delivery.values:
        raise ServiceError(_("Choose immediate e-mails or a daily digest."), field="delivery")
    areas = _valid_areas(actor, need_areas) if need_areas is not None else None
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
    pref.delivery = delivery
    if areas is not None:
        pref.need_areas = areas
    pref.save()
    audit_append(
        action="notification_preference",
        actor=actor,
        object_type="notifications.notificationpreference",
        object_id=str(pref.pk),
        detail={"delivery": pref.delivery, "need_areas": pref.need_areas},
    )
    return pref


# ------------------------------------------------------------------ e-mail


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
