"""Planning: areas, plans, needs, priorities, actions, commitments, risks, twinning.

Every record is labelled (TLP + owner). A national plan is owned by its country;
a regional plan by an organisation (for example CARICOM IMPACS) and covers a
grouping. Needs, actions, risks and priority changes copy the label and owner of
their plan unless given their own. A commitment is owned by the beneficiary (the
need's country, or the regional plan's organisation) and is also visible to and
editable by the pledging organisation (see `Commitment.extra_access`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.tlp import TLP

if TYPE_CHECKING:
    from reef.core.roles import Scope

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Area(Labelled):
    """An area of a configurable taxonomy (the CCSCAP's six areas by default)."""

    taxonomy = models.SlugField(_("taxonomy"), default="ccscap")
    key = models.SlugField(_("key"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["taxonomy", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "key"], name="unique_area_key")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name to show: the shipped CCSCAP areas are translated, others are as entered."""
        return gettext(self.name) if self.taxonomy == "ccscap" and self.name else self.name


class Plan(Labelled):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("National plan")
        REGIONAL = "regional", _("Regional plan")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NATIONAL)
    title = models.CharField(_("title"), max_length=200)
    cycle = models.CharField(_("cycle"), max_length=20, help_text=_("for example 2026-2028"))
    country = models.ForeignKey(
        "directory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("country"),
    )
    grouping = models.ForeignKey(
        "directory.Grouping",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("grouping"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regional_plans",
        verbose_name=_("owning organisation"),
    )
    taxonomy = models.SlugField(_("taxonomy"), default="ccscap")
    currency = models.CharField(_("reporting currency"), max_length=3, default="USD")
    rates = models.JSONField(
        _("exchange rates"),
        default=dict,
        blank=True,
        help_text=_("value of one unit of each currency in the reporting currency"),
    )
    weight_impact = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(4))
    weight_urgency = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(3))
    weight_feasibility = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(2))
    weight_cost = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1))
    priorities_confirmed_at = models.DateTimeField(null=True, blank=True)
    priorities_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["kind", "country__name", "-cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "cycle"],
                condition=Q(kind="national"),
                name="unique_national_plan_cycle",
            ),
            models.CheckConstraint(
                name="plan_national_has_country",
                condition=Q(kind="regional") | Q(country__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.cycle})"

    @property
    def is_regional(self) -> bool:
        return self.kind == self.Kind.REGIONAL

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            "impact": self.weight_impact,
            "urgency": self.weight_urgency,
            "feasibility": self.weight_feasibility,
            "cost": self.weight_cost,
        }


class Need(Labelled):
    class Source(models.TextChoices):
        GAP = "gap", _("From an assessment gap")
        MANUAL = "manual", _("Entered by hand")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="needs")
    country = models.ForeignKey(
        "directory.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    framework = models.CharField(_("framework"), max_length=80, blank=True)
    factor_key = models.CharField(_("factor"), max_length=120, blank=True)
    aspect_key = models.CharField(_("aspect"), max_length=120, blank=True)
    missing_indicators = models.JSONField(default=list, blank=True)
    assessment_ref = models.PositiveIntegerField(null=True, blank=True)
    cost_amount = models.DecimalField(
        _("estimated cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_currency = models.CharField(_("currency"), max_length=3, default="USD")
    impact = models.PositiveSmallIntegerField(default=3, validators=RATING)
    urgency = models.PositiveSmallIntegerField(default=3, validators=RATING)
    feasibility = models.PositiveSmallIntegerField(default=3, validators=RATING)
    cost_rating = models.PositiveSmallIntegerField(default=3, validators=RATING)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    # Put before donors (announced, on their funding desk) once it has a cost; see
    # planning.services.need_publish. Who may read it is still its label's business.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["plan", models.F("position").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["country", "area"], name="need_country_area_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PriorityChange(Labelled):
    """One change of a plan's order of needs: who, when, why, and the moves."""

    class Kind(models.TextChoices):
        SCORED = "scored", _("Ordered by score")
        REORDERED = "reordered", _("Reordered by hand")
        CONFIRMED = "confirmed", _("Confirmed by the state")
        WEIGHTS = "weights", _("Weights changed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priority_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)
    moves = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-at", "-id"]


class Action(Labelled):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    class Delivery(models.TextChoices):
        ONE_OFF = "one_off_event", _("One-off event")
        RECURRING = "recurring_programme", _("Recurring programme")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="actions")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_actions",
        verbose_name=_("owner organisation"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    budget_amount = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(_("currency"), max_length=3, default="USD")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Sustainability profile.
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.RECURRING)
    is_training = models.BooleanField(_("trains people"), default=False)
    train_the_trainer = models.BooleanField(_("train-the-trainer"), default=False)
    curriculum_integration = models.BooleanField(_("curriculum integration"), default=False)
    local_ownership = models.BooleanField(_("local ownership"), default=False)
    post_donor_funding = models.BooleanField(_("funding after the donor"), default=False)
    drive_by_training = models.BooleanField(default=False, editable=False)
    sustainability_score = models.PositiveSmallIntegerField(default=0, editable=False)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["plan", "start"], name="action_plan_start_idx")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        # The owner organisation's members see the action and its editors report progress.
        return Q(lead_organisation_id__in=scope.organisation_ids(action))


class Milestone(Labelled):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        return Q(action__lead_organisation_id__in=scope.organisation_ids(action))


class Commitment(Labelled):
    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        PEOPLE = "people", _("People")
        IN_KIND = "in_kind", _("In kind")

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted by the state")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        VERIFIED = "verified", _("Verified by the state")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="commitments")
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("pledging organisation"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MONEY)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OFFERED)
    offered_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    # Who spoke for each side, for separation of duties (reef.planning.rules).
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-offered_on", "-id"]
        indexes = [models.Index(fields=["need", "status"], name="commitment_need_status_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.need}"

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        # The pledging organisation's members see their commitment; its editors act on it.
        return Q(organisation_id__in=scope.organisation_ids(action))


class CommitmentEvent(Labelled):
    """A status change of a commitment, kept for progress over time."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["on", "id"]

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        return Q(commitment__organisation_id__in=scope.organisation_ids(action))

    @staticmethod
    def _status_label(value: str) -> str:
        try:
            return str(Commitment.Status(value).label)
        except ValueError:
            return value

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status) if self.from_status else ""

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)


class RiskCategory(models.TextChoices):
    LOW_POLITICAL_PRIORITY = (
        "low_political_priority",
        _("Low political and administrative priority"),
    )
    LACK_OF_CAPACITY = "lack_of_capacity", _("Lack of capacity to implement and sustain")
    CHANGE_OF_GOVERNMENT = "change_of_government", _("Change of government changes priorities")
    FUNDING = "funding", _("Funding shortfall")
    STAFF_TURNOVER = "staff_turnover", _("Loss of trained staff")
    COORDINATION = "coordination", _("Duplication or poor coordination between partners")
    LEGAL = "legal", _("Legislation delayed")
    OTHER = "other", _("Other")


class Risk(Labelled):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    category = models.CharField(_("category"), max_length=30, choices=RiskCategory.choices)
    description = models.TextField(_("description"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), validators=RATING)
    impact = models.PositiveSmallIntegerField(_("impact"), validators=RATING)
    risk_owner = models.CharField(_("owner"), max_length=200, blank=True)
    mitigation = models.TextField(_("mitigation"), blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["plan", "-likelihood", "-impact", "id"]

    def __str__(self) -> str:
        return self.get_category_display()

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        return "high" if self.score >= 15 else "medium" if self.score >= 8 else "low"


class TwinningLink(Labelled):
    """Two efforts by different organisations on the same need, linked to work together."""

    a_ref = models.CharField(max_length=20)  # "action:12" or "commitment:7"
    b_ref = models.CharField(max_length=20)
    a_title = models.CharField(max_length=300)
    b_title = models.CharField(max_length=300)
    a_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    b_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        "directory.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal(0))
    why = models.TextField(blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["a_ref", "b_ref"], name="unique_twinning_pair")
        ]

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        ids = scope.organisation_ids(action)
        return Q(a_organisation_id__in=ids) | Q(b_organisation_id__in=ids)


DEFAULT_TLP: Any = TLP.AMBER
