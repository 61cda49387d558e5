"""The notifications API (/api/v1/notifications...): the caller's own inbox only."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from reef.api.auth import require_user
from reef.api.pagination import MAX_OFFSET
from reef.notifications import selectors, services
from reef.notifications.models import Notification, NotificationPreference
from reef.notifications.render import render

router = Router(tags=["notifications"])

# Its own page size (25, at most 100), part of its contract since before the list
# routes were paginated (reef/api/pagination.py); the same offset bound as theirs.
MAX_LIMIT = 100


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str = Field(description="A path on this site; empty when the record is hidden.")
    created_at: datetime
    read: bool


class NotificationPage(Schema):
    count: int
    unread: int
    offset: int
    limit: int
    next_offset: int | None
    items: list[NotificationOut]


class PageQuery(Schema):
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    unread: bool = False


class PreferenceOut(Schema):
    delivery: str = Field(examples=["immediate"])
    need_areas: list[str] = Field(examples=[["workforce"]])


class PreferenceIn(Schema):
    delivery: str = Field(description="immediate or digest", examples=["digest"])
    need_areas: list[str] | None = Field(
        None, description="Keys of planning areas to follow; omit to keep them."
    )


class ReadAllOut(Schema):
    marked: int


def _out(n: Notification) -> NotificationOut:
    shown = render(n)
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        title=shown.title,
        body=shown.body,
        url=shown.url,
        created_at=n.created_at,
        read=n.read_at is not None,
    )


def _pref_out(pref: NotificationPreference) -> PreferenceOut:
    return PreferenceOut(delivery=pref.delivery, need_areas=list(pref.need_areas or []))


@router.get("/notifications", response=NotificationPage)
def list_notifications(request: HttpRequest, q: Query[PageQuery]) -> NotificationPage:
    """Your notifications, newest first, `limit` at a time from `offset`."""
    user = require_user(request)
    qs = selectors.inbox_for(user, unread_only=q.unread)
    count = qs.count()
    rows = list(qs[q.offset : q.offset + q.limit])
    following = q.offset + len(rows)
    return NotificationPage(
        count=count,
        unread=selectors.unread_count(user),
        offset=q.offset,
        limit=q.limit,
        next_offset=following if following < count else None,
        items=[_out(n) for n in rows],
    )


@router.post("/notifications/read-all", response=ReadAllOut)
def mark_all_read(request: HttpRequest) -> ReadAllOut:
    """Mark every notification of yours read."""
    user = require_user(request)
    return ReadAllOut(marked=services.notification_mark_all_read(actor=user))


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def mark_read(request: HttpRequest, notification_id: int) -> NotificationOut:
    """Mark one of your notifications read; anyone else's answers 404."""
    user = require_user(request)
    notification = selectors.notification_for(user, notification_id)
    return _out(services.notification_mark_read(actor=user, notification=notification))


@router.get("/notifications/preferences", response=PreferenceOut)
def get_preferences(request: HttpRequest) -> PreferenceOut:
    """How you receive e-mail (immediate or daily digest) and the areas you follow."""
    return _pref_out(selectors.preference_for(require_user(request)))


@router.put("/notifications/preferences", response=PreferenceOut)
def set_preferences(request: HttpRequest, payload: PreferenceIn) -> PreferenceOut:
    """Choose immediate e-mails or a daily digest, and the areas you follow."""
    user = require_user(request)
    pref = services.notification_preference_set(
        actor=user, delivery=payload.delivery, need_areas=payload.need_areas
    )
    return _pref_out(pref)
