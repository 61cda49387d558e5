"""The expert network: profiles, availability, conflicts, mission teams, review rounds,
mentoring and notifications.

Every record carries a TLP label and an owner (`Labelled`). Child records copy the
label and owner of their parent. The expertise taxonomy is reference data (like
countries) and is public.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.roles import Action, Scope
from reef.core.tlp import TLP

#: Version of the consent text an expert accepts when creating a profile.
CONSENT_VERSION = "2026-01"
CONSENT_TEXT = _(
    "I agree that Reef keeps my expert profile (sector, country, organisation, expertise, "
    "languages, seniority, availability and conflict-of-interest declarations) to propose "
    "me for mission teams, review panels and mentoring. I can download or delete my data "
    "at any time. My profile is public only if I say so; my contact details are shared "
    "under the TLP label I choose."
)


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERNATIONAL = "international", _("International organisation")


class Seniority(models.TextChoices):
    NASCENT = "nascent", _("Nascent")
    JUNIOR = "junior", _("Junior")
    MID = "mid", _("Mid-career")
    SENIOR = "senior", _("Senior")


class ExpertiseTag(models.Model):
    """A tag of the expertise taxonomy: a CMM factor or a role. Public reference data."""

    class Kind(models.TextChoices):
        FACTOR = "factor", _("Framework factor")
        ROLE = "role", _("Role")

    key = models.CharField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "key"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language: role names are translated (see `taxonomy.ROLES`);
        factor names are the framework's own."""
        return gettext(self.name) if self.kind == self.Kind.ROLE else self.name


class ExpertProfile(Labelled):
    """An expert of the regional network. TLP:CLEAR when the expert opts in to a public
    profile, otherwise TLP:AMBER owned by their country (seen by the country's members,
    the region's coordinators and the expert)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_profile",
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    country = models.ForeignKey(
        "directory.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    expertise = models.ManyToManyField(ExpertiseTag, blank=True, related_name="experts")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    seniority = models.CharField(
        _("seniority"), max_length=10, choices=Seniority.choices, default=Seniority.MID
    )
    bio = models.TextField(_("summary of experience"), blank=True)
    max_reviews_per_quarter = models.PositiveSmallIntegerField(
        _("maximum reviews per quarter"), default=3
    )
    is_public = models.BooleanField(_("public profile"), default=False)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_tlp = models.CharField(
        _("contact details label"), max_length=20, choices=TLP.choices, default=TLP.AMBER
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        # The expert sees and edits their own profile.
        return Q(user_id=scope.user_id)


class Availability(Labelled):
    profile = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="availability"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    note = models.CharField(max_length=200, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "availability"

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        return Q(profile__user_id=scope.user_id)


class ConflictDeclaration(Labelled):
    """A declared conflict of interest with an organisation, a country or a person."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        COUNTRY = "country", _("Country")
        PERSON = "person", _("Person")

    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    country = models.ForeignKey(
        "directory.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person_name = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        return Q(profile__user_id=scope.user_id)

    def __str__(self) -> str:
        target = self.organisation or self.country or self.person_name
        return f"{self.get_kind_display()}: {target}"


class SeniorityChange(Labelled):
    profile = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="seniority_changes"
    )
    old = models.CharField(max_length=10, choices=Seniority.choices, blank=True)
    new = models.CharField(max_length=10, choices=Seniority.choices)
    on = models.DateField()

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["on", "pk"]

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        return Q(profile__user_id=scope.user_id)


# --------------------------------------------------------------------------- missions


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


# --------------------------------------------------------------------------- reviews


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


# --------------------------------------------------------------------------- mentoring


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


# --------------------------------------------------------------------------- notifications


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


def label_of(parent: Labelled) -> dict[str, Any]:
    """The label and owner a child record copies from its parent."""
    return {
        "tlp": parent.tlp,
        "owner_country_id": parent.owner_country_id,
        "owner_organisation_id": parent.owner_organisation_id,
    }


def private_label(profile: ExpertProfile) -> dict[str, Any]:
    """Label of a profile's personal records (availability, conflicts, growth): never public,
    TLP:AMBER owned by the expert's country, whatever the profile's own label."""
    return {"tlp": TLP.AMBER, "owner_country_id": profile.country_id, "owner_organisation_id": None}
