"""Consultations: statements and votes, Delphi rounds, section-by-section review of a draft.

Every record carries the consultation's TLP label and owner (copied on creation), and every
child record is visible exactly when its consultation is (see `_ChildOfConsultation`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled, LabelledChild
from reef.core.roles import Action, Scope


class Participation(models.TextChoices):
    NAMED = "named", _("Named members only")
    COMMUNITY = "community", _("Members of the owner's community")
    PUBLIC = "public", _("The public (anyone signed in)")


class Sector(models.TextChoices):
    # Values are the sector names used by opinion.SECTORS.
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private sector", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    CIVIL_SOCIETY = "civil society", _("Civil society")
    INTERNATIONAL = "international organisation", _("International organisation")


class Consultation(Labelled):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    participation = models.CharField(
        _("who may take part"),
        max_length=12,
        choices=Participation.choices,
        default=Participation.COMMUNITY,
    )
    community_grouping = models.ForeignKey(
        "directory.Grouping",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community grouping"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="consultations_named",
        verbose_name=_("named members"),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    remind_hours = models.PositiveIntegerField(
        _("remind this many hours before closing"), default=48
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    votes_per_minute = models.PositiveIntegerField(_("votes per minute (public)"), default=30)
    target_votes = models.PositiveIntegerField(_("votes wanted per statement"), default=7)
    consensus_threshold = models.FloatField(_("consensus threshold"), default=0.6)
    document_title = models.CharField(_("draft document"), max_length=200, blank=True)
    # Set on the review of an assessment's draft report: its team lead runs the review.
    report_assessment = models.OneToOneField(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_review",
        verbose_name=_("assessment whose draft report is reviewed"),
    )
    # Last opinion analysis (the JSON contract plus priorities and the reality report).
    analysis = models.JSONField(default=dict, blank=True, editable=False)
    analysed_at = models.DateTimeField(null=True, blank=True, editable=False)
    analysis_stale = models.BooleanField(default=True, editable=False)
    # Bumped by every write the analysis reads (votes, moderation, who took part): an
    # analysis computed outside a transaction knows whether its inputs moved meanwhile.
    analysis_inputs = models.PositiveBigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-opens_at", "title"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        """Named members see the consultation whatever its label."""
        if Action(action) != Action.VIEW or scope.user_id is None:
            return Q(pk__in=[])
        through = cls.members.through
        return Q(pk__in=through.objects.filter(user_id=scope.user_id).values("consultation_id"))

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_opened(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.opens_at

    def has_closed(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.closes_at


class _ChildOfConsultation(LabelledChild):
    """A record inside a consultation: visible exactly when its consultation is."""

    parent_field = "consultation"
    consultation: Any

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        abstract = True


class AnalysisState(models.Model):
    """The incremental opinion state (`opinion.state_to_bytes`) behind `analysis`, stored where
    every process finds it. Internal derived data: never shown, read only by the analysis."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # The `Consultation.analysed_at` this state belongs to: any other means it is not current.
    analysed_at = models.DateTimeField()
    state = models.BinaryField()

    def __str__(self) -> str:
        return f"opinion state of consultation {self.consultation_id} at {self.analysed_at}"


class Participant(_ChildOfConsultation):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    number = models.PositiveIntegerField(_("participant number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_participations",
    )
    sector = models.CharField(_("sector"), max_length=40, choices=Sector.choices, blank=True)
    country = models.ForeignKey(
        "directory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    label = models.CharField(_("name shown"), max_length=120, blank=True)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="unique_participant_number"
            ),
            models.UniqueConstraint(
                fields=["consultation", "user"],
                name="unique_participant_user",
                condition=Q(user__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"#{self.number}"


class Statement(_ChildOfConsultation):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending moderation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements"
    )
    number = models.PositiveIntegerField(_("statement number"))
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    body = models.TextField(_("statement"), max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    is_meta = models.BooleanField(_("meta statement"), default=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="unique_statement_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.body[:60]}"


class Vote(_ChildOfConsultation):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="one_vote_per_participant_statement"
            ),
            models.CheckConstraint(name="vote_value_valid", condition=Q(value__in=[-1, 0, 1])),
        ]
        indexes = [models.Index(fields=["consultation", "voted_at"], name="vote_cons_time_idx")]


# ---------------------------------------------------------------- Delphi


class DelphiRound(_ChildOfConsultation):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Rule(models.TextChoices):
        PERCENT = "percent", _("Percent agreement")
        IQR = "iqr", _("Interquartile range")
        SEVENTY_FIFTEEN = "70/15", _("70/15 rule (1-9 scale)")
        RAND_UCLA = "rand_ucla", _("RAND/UCLA appropriateness (1-9 scale)")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="delphi_rounds"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    rule = models.CharField(
        _("consensus rule"), max_length=12, choices=Rule.choices, default=Rule.PERCENT
    )
    agree_min = models.PositiveSmallIntegerField(_("agreement from rating"), default=4)
    percent_threshold = models.FloatField(default=0.75)
    max_iqr = models.FloatField(default=1.0)
    max_change = models.FloatField(_("stability: largest change"), default=0.15)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="unique_delphi_round")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class DelphiItem(_ChildOfConsultation):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(DelphiRound, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("item"))
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="the same item in the previous round",
    )

    class Meta:
        ordering = ["round", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class DelphiResponse(_ChildOfConsultation):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(DelphiItem, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="delphi_responses"
    )
    first_rating = models.PositiveSmallIntegerField(help_text="given before any feedback")
    rating = models.PositiveSmallIntegerField(help_text="current rating, may be revised")
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "participant"], name="one_delphi_response")
        ]


# ---------------------------------------------------------------- draft review


class Section(_ChildOfConsultation):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveIntegerField()
    heading = models.CharField(_("heading"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="unique_section_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class SectionComment(_ChildOfConsultation):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="comments")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=4000)

    class Meta:
        ordering = ["section", "created_at"]


class Amendment(_ChildOfConsultation):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="amendments")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    original_text = models.TextField()
    proposed_text = models.TextField(_("proposed text"))
    rationale = models.TextField(_("why"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["section", "created_at"]

    @property
    def is_stale(self) -> bool:
        """Pending, and the section's text changed since it was proposed (another amendment
        was accepted): it cannot be accepted until its proposer re-bases it."""
        return bool(self.status == self.Status.PENDING and self.section.text != self.original_text)
