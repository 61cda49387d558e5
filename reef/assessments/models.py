"""Assessments: request, team, stakeholder sessions, independent ratings, decisions, targets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.tlp import TLP

if TYPE_CHECKING:
    from reef.core.roles import Scope


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    RATING = "rating", _("Rating")
    CONSOLIDATION = "consolidation", _("Consolidation")
    TARGETS = "targets", _("Targets")
    COMPLETE = "complete", _("Complete")


#: Statuses in workflow order.
STATUS_ORDER = [s.value for s in Status]
#: Before these, ratings are independent and results are not shown.
RESULTS_OPEN = {Status.CONSOLIDATION, Status.TARGETS, Status.COMPLETE}


class RatingValue(models.TextChoices):
    MET = "met", _("Met")
    PARTIAL = "partial", _("Partially met")
    NOT_MET = "not_met", _("Not met")
    NA = "na", _("Not applicable")
    UNKNOWN = "unknown", _("Unknown")


class Cluster(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure", _("Critical infrastructure")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement and judiciary")
    ACADEMIA = "academia", _("Academia")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    DEFENCE = "defence", _("Defence")


def _team_assessments(user_id: int) -> Any:
    return Assessment.team.through.objects.filter(user_id=user_id).values("assessment_id")


class Assessment(Labelled):
    """One assessment of a country against one pinned framework version."""

    framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("framework"),
    )
    country = models.ForeignKey(
        "directory.Country",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("country"),
    )
    cycle = models.CharField(_("cycle"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assessment_teams",
        verbose_name=_("team"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team lead"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycles",
        verbose_name=_("previous assessment"),
    )
    targets_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(_("executive summary"), blank=True)
    imported = models.BooleanField(default=False)
    # Assessors named in an imported file (id -> name); users are named by the team.
    external_assessors: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["country", "cycle"], name="assessment_country_cycle")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        """Team members see and work on the assessments they are on."""
        if scope.user_id is None:
            return Q(pk__in=[])
        return Q(pk__in=_team_assessments(scope.user_id))

    @property
    def results_open(self) -> bool:
        return self.status in RESULTS_OPEN

    def status_index(self) -> int:
        return STATUS_ORDER.index(self.status)


class AssessmentPart(Labelled):
    """Base of the records inside an assessment: the team has access to them."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        abstract = True

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        if scope.user_id is None:
            return Q(pk__in=[])
        return Q(assessment_id__in=_team_assessments(scope.user_id))


class StakeholderSession(AssessmentPart):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sessions")
    cluster = models.CharField(_("cluster"), max_length=30, choices=Cluster.choices)
    held_on = models.DateField(_("date"))
    # Participants per sector (cluster value -> count).
    participants: models.JSONField[Any] = models.JSONField(_("participants"), default=dict)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_cluster_display()} {self.held_on}"

    @property
    def participant_total(self) -> int:
        return sum(int(v) for v in self.participants.values())


class Rating(AssessmentPart):
    """One assessor's own rating of one indicator, with evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    indicator = models.ForeignKey(
        "frameworks.Indicator", on_delete=models.PROTECT, related_name="ratings"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessment_ratings",
    )
    # Stable assessor id: "user:<pk>" for users, the file's id for imported assessors.
    assessor_key = models.CharField(max_length=80)
    assessor_name = models.CharField(max_length=200, blank=True)
    value = models.CharField(_("rating"), max_length=10, choices=RatingValue.choices)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/", blank=True)
    evidence_content_type = models.CharField(max_length=40, blank=True)
    evidence_filename = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["indicator__position", "assessor_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator", "assessor_key"], name="unique_own_rating"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.key} by {self.assessor_name}: {self.value}"


class TeamRole(models.TextChoices):
    """An assessor's role on the team (the lead is `Assessment.lead`, one of the members)."""

    TECHNICAL = "technical", _("Technical")
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice")
    LEGAL = "legal", _("Legal")
    OBSERVER = "observer", _("Observer")


#: The CCI rule: rating opens only when the team holds each of these roles.
REQUIRED_ROLES = (TeamRole.TECHNICAL, TeamRole.CRIMINAL_JUSTICE)


class TeamMembership(AssessmentPart):
    """A member of an assessment's team and their role (kept beside `Assessment.team`)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    # Where the member came from: "" (named by the coordinator) or "mission:<id>".
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="unique_team_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class TeamChange(AssessmentPart):
    """History of the team: who was added, removed or given another role, when, by whom."""

    class Kind(models.TextChoices):
        ADDED = "added", _("added")
        REMOVED = "removed", _("removed")
        ROLE = "role", _("role changed")
        LEAD = "lead", _("made team lead")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="team_changes"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    member_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    role = models.CharField(max_length=20, choices=TeamRole.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=200)
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.member_name} {self.kind}"


class Decision(AssessmentPart):
    """The team lead's decision on a disputed indicator; it overrides the ratings."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="decisions")
    indicator = models.ForeignKey(
        "frameworks.Indicator", on_delete=models.PROTECT, related_name="decisions"
    )
    value = models.CharField(_("decision"), max_length=10, choices=RatingValue.choices)
    note = models.TextField(_("note"))
    dissent: models.JSONField[Any] = models.JSONField(_("dissenting assessors"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="unique_decision")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.key}: {self.value}"


class Target(AssessmentPart):
    """A target agreed with the country: an aspect's stage, or a pillar's score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="targets")
    key = models.CharField(_("aspect or pillar"), max_length=80)
    value = models.FloatField(_("target"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "key"], name="unique_target")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.value:g}"


DEFAULT_ASSESSMENT_TLP = TLP.AMBER
DEFAULT_RATING_TLP = TLP.AMBER_STRICT


class ReportFile(models.Model):
    """A report made by the worker and kept until what it shows changes.

    `inputs` hashes what every reader's report is made of (the assessment, its ratings,
    decisions, targets, team, the report code); `view` hashes what this reader may see of
    it (labelled sessions, evidence, decisions, earlier cycles). Readers who see the same
    records share one file; one who sees less never gets a file made for more.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="report_files"
    )
    format = models.CharField(max_length=4, choices=Format.choices)
    language = models.CharField(max_length=10)
    inputs = models.CharField(max_length=64)
    view = models.CharField(max_length=64)
    # The reader the file is rendered as (anyone with the same `view` sees the same).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to="reports/", blank=True, max_length=200)
    size = models.PositiveIntegerField(default=0)
    tlp = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "format", "language", "inputs", "view"],
                name="unique_report_file",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.assessment_id} {self.format} {self.language} {self.state}"
