"""Review rounds: proposals and the reviewers assigned to them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.roles import Action, Scope
from reef.experts.models.profiles import ExpertProfile


class ReviewRound(Labelled):
    """Proposals reviewed by panels within a window that cannot be cut short.

    Owned by the organisation running it; coordinators of its grouping and the
    round's reviewers see it too."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Objective(models.TextChoices):
        TOTAL = "total", _("Best total affinity")
        FAIR = "fair", _("Fair: raise the worst-served proposal first")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    grouping = models.ForeignKey(
        "directory.Grouping", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    opens_on = models.DateField(_("window opens"))
    closes_on = models.DateField(_("window closes"))
    reviewers_per_proposal = models.PositiveSmallIntegerField(
        _("reviewers per proposal"), default=3
    )
    objective = models.CharField(max_length=10, choices=Objective.choices, default=Objective.TOTAL)
    exclude_government_of_country = models.BooleanField(
        _("government employees of the reviewed country are conflicted"), default=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-opens_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        coordinated = Q(grouping_id__in=list(scope.groupings))
        if Action(action) != Action.VIEW:
            return coordinated
        rounds = ReviewAssignment.objects.filter(reviewer__user_id=scope.user_id).values(
            "proposal__round"
        )
        return coordinated | Q(pk__in=rounds)


class Proposal(Labelled):
    """A proposal under review, e.g. a programme an international organisation offers."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    author_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    implementers = models.ManyToManyField(
        "directory.Organisation", blank=True, related_name="+", verbose_name=_("implementers")
    )
    country = models.ForeignKey(
        "directory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country concerned"),
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        coordinated = Q(round__grouping_id__in=list(scope.groupings))
        if Action(action) != Action.VIEW:
            return coordinated
        mine = ReviewAssignment.objects.filter(reviewer__user_id=scope.user_id).values("proposal")
        return coordinated | Q(pk__in=mine)


class ReviewAssignment(Labelled):
    """A reviewer invited to review a proposal, and their review once submitted.

    When an expert deletes their data, submitted reviews are kept anonymised
    (reviewer emptied) so that the proposer's feedback stays whole."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        SUBMITTED = "submitted", _("Review submitted")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        ExpertProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    affinity = models.FloatField(default=0.0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    decline_reason = models.CharField(max_length=300, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["proposal", "pk"]

    def __str__(self) -> str:
        return self.proposal.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        coordinated = Q(proposal__round__grouping_id__in=list(scope.groupings))
        return coordinated | Q(reviewer__user_id=scope.user_id)
