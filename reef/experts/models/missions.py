"""Mission requests and their teams."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.roles import Action, Scope
from reef.experts.models.profiles import ExpertiseTag, ExpertProfile


def default_roles() -> dict[str, int]:
    return {"technical": 1, "criminal_justice": 1}


class MissionRequest(Labelled):
    """A request for an assessment mission; holds the team. TLP:AMBER owned by the country:
    seen by the country's members, the region's coordinators and the team."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PROPOSED = "proposed", _("Team proposed")
        CONFIRMED = "confirmed", _("Team confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    country = models.ForeignKey(
        "directory.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    required_roles = models.JSONField(_("required roles"), default=default_roles)
    size = models.PositiveSmallIntegerField(_("team size"), default=3)
    nascent_seat = models.BooleanField(_("seat for a nascent specialist"), default=True)
    local_rule = models.BooleanField(
        _("at least one member from the region's private sector or academia"), default=True
    )
    expertise = models.ManyToManyField(ExpertiseTag, blank=True, related_name="+")
    organisations = models.ManyToManyField(
        "directory.Organisation", blank=True, related_name="+", verbose_name=_("involved bodies")
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    assessment_ref = models.PositiveIntegerField(null=True, blank=True)
    missing = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-start", "pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        if Action(action) != Action.VIEW:
            return Q(pk__in=[])
        return Q(pk__in=TeamMember.objects.filter(profile__user_id=scope.user_id).values("mission"))


class TeamMember(Labelled):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")

    mission = models.ForeignKey(MissionRequest, on_delete=models.CASCADE, related_name="team")
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="missions")
    seat = models.CharField(max_length=60, default="general")
    covers = models.JSONField(default=list, blank=True)
    fit = models.FloatField(default=0.0)
    reason = models.TextField(blank=True)
    runner_up = models.ForeignKey(
        ExpertProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    runner_up_fit = models.FloatField(null=True, blank=True)
    runner_up_note = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    chosen_by = models.CharField(max_length=12, default="matching")  # or "coordinator"

    objects: ClassVar[LabelledManager] = LabelledManager()
    # Set per reader by selectors.mission_team: whether they may see the member's profile
    # and the second-best choice's (never shown otherwise).
    shared: bool = False
    runner_up_shared: bool = False

    class Meta:
        ordering = ["mission", "seat", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "profile"], name="unique_team_member")
        ]

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        if Action(action) != Action.VIEW:
            return Q(pk__in=[])
        teams = TeamMember.objects.filter(profile__user_id=scope.user_id).values("mission")
        return Q(mission_id__in=teams)

    @property
    def is_nascent_seat(self) -> bool:
        return self.seat == "nascent"
