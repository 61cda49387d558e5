"""Notifications: messages to one user."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from reef.core.access import LabelledManager
from reef.core.models import Labelled


class Notification(Labelled):
    """A message to one user: TLP:RED with the recipient as the only reader."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject
