"""Notifications: one message to one user about one hand-off, and how each user wants mail.

A notification stores its kind and a reference to the record it is about, never a
text taken from the record: the title is rendered when it is read, and only if the
recipient may still see the record (see `render.py`).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.roles import Scope


class Notification(Labelled):
    """TLP:RED; its recipient is the only person who may read it (see `extra_access`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Who caused it: a user (kept as a foreign key) or a system actor ("system:worker").
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=60, blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it left by e-mail (alone or in a digest); null while waiting for the digest.
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "emailed_at"], name="notification_unmailed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        # Only the recipient, for every action; nobody else, whatever their role.
        return Q(recipient_id=scope.user_id)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("An e-mail for each notification")
    DIGEST = "digest", _("One e-mail a day with all of them (daily digest)")


class NotificationPreference(models.Model):
    """A user's choice of mail delivery and the planning areas they follow."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(
        _("e-mail delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    # Keys of planning areas (e.g. "workforce"): new needs in them are announced to this user
    # when they work for a consortium member.
    need_areas = models.JSONField(_("areas of interest"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"
