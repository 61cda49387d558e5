"""Frameworks as data: a versioned framework document and its indicator rows."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.tlp import TLP


class FrameworkKind(models.TextChoices):
    STAGED = "staged", _("Staged maturity model")
    SCORED = "scored", _("Scored index")


class Framework(Labelled):
    """One version of a framework. The parsed document is kept whole (`document`);
    the indicators are also stored as rows so that ratings can refer to them."""

    slug = models.SlugField(_("slug"), max_length=80)
    # The framework's own version string ("1.0"). Not `version`: Labelled uses that name
    # for optimistic locking.
    release = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=FrameworkKind.choices)
    document: models.JSONField[Any] = models.JSONField(_("document"))
    imported_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["slug", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "release"], name="unique_framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.release}"

    @property
    def ref(self) -> str:
        return f"{self.slug}@{self.release}"


class Indicator(Labelled):
    """One indicator of a framework version, in document order (`position`)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(_("key"), max_length=80)
    position = models.PositiveIntegerField()
    text = models.TextField(_("text"))
    # Staged frameworks.
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    dimension_key = models.CharField(max_length=80, blank=True)
    factor_key = models.CharField(max_length=80, blank=True)
    aspect_key = models.CharField(max_length=80, blank=True)
    # Scored frameworks.
    pillar_key = models.CharField(max_length=80, blank=True)
    points = models.FloatField(null=True, blank=True)
    weight = models.FloatField(null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="unique_indicator_key")
        ]
        indexes = [models.Index(fields=["framework", "aspect_key"], name="indicator_aspect_idx")]

    def __str__(self) -> str:
        return self.key


DEFAULT_FRAMEWORK_TLP = TLP.CLEAR
