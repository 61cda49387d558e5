"""Every write of notifications: send (`notify`), mark read, preferences, e-mail and digest.

A hand-off in any app is one call:

    notify(recipients=recipients.lead_of_assessment(a), kind="assessment.rating_closed",
           subject_obj=a, actor=actor, url=f"/assessments/{a.pk}/")

In-app notifications are created in the caller's transaction; the e-mail leaves
through the task worker after commit (immediately, or in the daily digest).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.access import LabelledQuerySet
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor, SystemActor, require, user_of
from reef.core.tlp import TLP
from reef.notifications import rules
from reef.notifications.kinds import get_kind
from reef.notifications.models import Delivery, Notification, NotificationPreference
from reef.notifications.selectors import delivery_of, unread_key

if TYPE_CHECKING:
    from reef.accounts.models import User

MAX_AREAS = 50


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
    _check_kind(kind, subject_obj)
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
    _mail_after_commit([n for n in created if delivery_of(n.recipient) == Delivery.IMMEDIATE])
    return created


def _check_kind(kind: str, subject_obj: models.Model) -> None:
    """A known kind, about a saved record of the kind's model."""
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


def _mail_after_commit(immediate: list[Notification]) -> None:
    """Queue one mail per notification once the hand-off is committed."""
    if not immediate:
        return
    from reef.notifications.tasks import send_notification_email

    pks = [n.pk for n in immediate]

    def enqueue() -> None:
        for pk in pks:
            send_notification_email.enqueue(pk)

    # The hand-off is committed: a queue that fails must not turn it into an error.
    transaction.on_commit(enqueue, robust=True)


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
