"""Experts and their personal records: the expertise taxonomy, profiles, availability,
conflict-of-interest declarations and seniority changes; and the labels child records
copy (`label_of`, `private_label`).

The expertise taxonomy is reference data (like countries) and is public.
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
from reef.core.roles import Scope
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
