"""Countries (ISO 3166), groupings, organisations and people."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled
from reef.core.tlp import TLP
from reef.directory.names import country_name


class Country(models.Model):
    """An ISO 3166-1 country or territory. Reference data, public by nature."""

    code = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    alpha3 = models.CharField(max_length=3, unique=True)
    numeric = models.CharField(max_length=3)
    name = models.CharField(_("name"), max_length=120)
    official_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the stored name is ISO English)."""
        return country_name(self.name)


class Grouping(models.Model):
    """A region or grouping of countries (CARICOM, OECS, CARIFORUM)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupingMember(models.Model):
    class Status(models.TextChoices):
        MEMBER = "member", _("Member")
        ASSOCIATE = "associate", _("Associate member")

    grouping = models.ForeignKey(Grouping, on_delete=models.CASCADE, related_name="memberships")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="groupings")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grouping", "country"], name="unique_grouping_member")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} in {self.grouping_id}"


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government agency")
    REGIONAL = "regional", _("Regional body")
    INTERNATIONAL = "international", _("International organisation")
    DONOR = "donor", _("Donor")
    PRIVATE = "private", _("Private company")
    ACADEMIA = "academia", _("Academia")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class Organisation(Labelled):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("country"),
    )
    website = models.URLField(blank=True)
    description = models.TextField(_("description"), blank=True)
    consortia = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="consortium_members",
        verbose_name=_("member of consortia"),
    )
    is_consortium = models.BooleanField(default=False)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.acronym or self.name


class Person(Labelled):
    """A person in the directory (not necessarily a user). Contact details are labelled."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    country = models.ForeignKey(
        Country, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.OneToOneField(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


DEFAULT_PERSON_TLP = TLP.GREEN
