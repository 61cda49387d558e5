"""Mentoring: mentor pairs and the growth activities of nascent specialists."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.roles import Action, Scope
from reef.experts.models.missions import MissionRequest
from reef.experts.models.profiles import ExpertProfile


class MentorPair(Labelled):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    mentee = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="mentors")
    mentor = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="mentees")
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=300, blank=True)
    started_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.mentee.name} - {self.mentor.name}"

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        if Action(action) != Action.VIEW:
            return Q(pk__in=[])
        return Q(mentee__user_id=scope.user_id) | Q(mentor__user_id=scope.user_id)


class MentoringActivity(Labelled):
    class Kind(models.TextChoices):
        SHADOWED_MISSION = "shadowed_mission", _("Shadowed a mission")
        CO_WROTE_REVIEW = "co_wrote_review", _("Co-wrote a review")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other")

    specialist = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="activities"
    )
    pair = models.ForeignKey(
        MentorPair, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    mission = models.ForeignKey(
        MissionRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    description = models.CharField(max_length=300, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name_plural = "mentoring activities"

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        if Action(action) != Action.VIEW:
            return Q(pk__in=[])
        return Q(specialist__user_id=scope.user_id)
