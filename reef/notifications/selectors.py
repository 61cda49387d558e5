"""Reads of notifications: a user's own, through the access layer."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404

from reef.core.access import LabelledQuerySet
from reef.notifications.models import Delivery, Notification, NotificationPreference

MAX_ID = 2**63
# The header's count is kept in the shared cache so that pages add no query for it;
# writes forget it, and it expires anyway (caches local to a process may lag by this).
UNREAD_TTL = 60


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def delivery_of(user: Any) -> str:
    """How `user` receives mail: immediately unless they chose the daily digest."""
    pref = NotificationPreference.objects.filter(user_id=user.pk).first()
    return pref.delivery if pref is not None else Delivery.IMMEDIATE


def inbox_for(user: Any, *, unread_only: bool = False) -> LabelledQuerySet:
    if user is None or not user.is_authenticated:
        return Notification.objects.get_queryset().none()
    qs = (
        Notification.objects.for_user(user)
        .filter(recipient_id=user.pk)
        .select_related("recipient", "actor", "subject_type")
    )
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def cached_unread_count(user: Any) -> int | None:
    """The unread count if the cache holds it (no query); None when it must be counted."""
    if user is None or not user.is_authenticated:
        return None
    found = cache.get(unread_key(user.pk))
    return int(found) if found is not None else None


def unread_count_cached(user: Any) -> int:
    """Count the unread notifications and keep the count for the header."""
    count = unread_count(user)
    if user is not None and user.is_authenticated:
        cache.set(unread_key(user.pk), count, UNREAD_TTL)
    return count


def notification_for(user: Any, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's is 404."""
    if not 0 < pk < MAX_ID:  # out of the database's range: no such notification
        raise Http404
    found = inbox_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    result: Notification = found
    return result


def preference_for(user: Any) -> NotificationPreference:
    """The user's preference (the default, unsaved, when they never chose)."""
    pref = NotificationPreference.objects.filter(user_id=user.pk).first()
    return pref or NotificationPreference(user=user, delivery=Delivery.IMMEDIATE, need_areas=[])
