"""The public record: events (agenda, participants, files, outcomes), publications,
emerging-threat briefings and open-data snapshots.

Every record carries a TLP label and an owner (`Labelled`). Records inside an event
copy the event's label and owner and are read through their event. An event or a
publication is public only when it is TLP:CLEAR *and* published; a briefing has no
publishing step and is public when it is TLP:CLEAR.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager
from reef.core.models import Labelled, LabelledChild


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure", _("Critical infrastructure")
    PRIVATE = "private", _("Private sector")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement and judiciary")
    ACADEMIA = "academia", _("Academia")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    DEFENCE = "defence", _("Defence")
    REGIONAL = "regional", _("Regional body")
    INTERNATIONAL = "international", _("International organisation")


class LinkKind(models.TextChoices):
    """Kinds of records an outcome or a publication may point to (kept as kind + id)."""

    NEED = "need", _("Need")
    PLAN = "plan", _("Plan")
    CONSULTATION = "consultation", _("Consultation")
    ASSESSMENT = "assessment", _("Assessment")
    ACTION = "action", _("Action")


class Translatable(models.Model):
    """Content fields with translations: {"es": {"title": ..., "report": ...}}."""

    TRANSLATABLE_FIELDS: ClassVar[tuple[str, ...]] = ()

    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        """The field in `language` (default: the active language), else the original."""
        original = str(getattr(self, field) or "")
        language = (language or translation.get_language() or "").lower()
        if not language or field not in self.TRANSLATABLE_FIELDS:
            return original
        for code in (language, language.split("-")[0]):
            value = (self.translations or {}).get(code, {}).get(field)
            if isinstance(value, str) and value.strip():
                return value
        return original

    def languages_available(self) -> list[str]:
        return sorted(code for code, values in (self.translations or {}).items() if values)


class Event(Translatable, Labelled):
    TRANSLATABLE_FIELDS = ("title", "summary", "report")

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Conference")
        TRAINING = "training", _("Training")
        CONSULTATION = "consultation", _("Consultation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    summary = models.TextField(_("summary"), blank=True)
    report = models.TextField(_("report of the event"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    country = models.ForeignKey(
        "directory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record_events",
        verbose_name=_("country"),
    )
    hosts = models.ManyToManyField(
        "directory.Organisation", blank=True, related_name="hosted_events", verbose_name=_("hosts")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-start_date", "title"]
        indexes = [models.Index(fields=["tlp", "status", "start_date"], name="records_event_pub")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records:event_detail", kwargs={"slug": self.slug})

    @property
    def display_title(self) -> str:
        return self.translated("title")

    @property
    def display_summary(self) -> str:
        return self.translated("summary")

    @property
    def display_report(self) -> str:
        return self.translated("report")


class _ChildOfEvent(LabelledChild):
    """A record inside an event: visible exactly when its event is."""

    parent_field = "event"
    event: Any

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        abstract = True


class Participant(_ChildOfEvent):
    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        SPEAKER = "speaker", _("Speaker")
        ORGANISER = "organiser", _("Organiser")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation (as written)"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )
    consent_public = models.BooleanField(_("agrees to be listed publicly"), default=False)
    consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_label(self) -> str:
        if self.organisation is not None:
            return str(self.organisation)
        return self.organisation_name


class Session(_ChildOfEvent):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    day = models.DateField(_("day"), null=True, blank=True)
    starts_at = models.TimeField(_("starts"), null=True, blank=True)
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    speakers = models.ManyToManyField(
        Participant, blank=True, related_name="sessions", verbose_name=_("speakers")
    )

    class Meta:
        ordering = ["day", "starts_at", "position", "pk"]

    def __str__(self) -> str:
        return self.title


def _stored_name(instance: Any, filename: str) -> str:
    """Always a generated name; only a short alphanumeric extension is kept."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = f".{ext}" if ext.isalnum() and ext.isascii() and len(ext) <= 5 else ""
    return f"records/{uuid.uuid4().hex}{suffix}"


class EventFile(_ChildOfEvent):
    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Presentation")
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="files")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="files"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(upload_to=_stored_name, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    original_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records:event_file", kwargs={"slug": self.event.slug, "uid": str(self.uid)})


class Outcome(_ChildOfEvent):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField(_("outcome"))
    position = models.PositiveIntegerField(default=0)
    # [{"kind": "need", "id": 12, "title": "..."}]; the apps are built apart, so no FK.
    links = models.JSONField(_("linked records"), default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Publication(Translatable, Labelled):
    TRANSLATABLE_FIELDS = ("title", "abstract")

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        BRIEF = "brief", _("Brief")
        ARTICLE = "article", _("Article")
        ASSESSMENT_REPORT = "assessment_report", _("Needs assessment report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    authors = models.CharField(_("authors"), max_length=500, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    countries = models.ManyToManyField(
        "directory.Country", blank=True, related_name="record_publications"
    )
    events = models.ManyToManyField(Event, blank=True, related_name="publications")
    links = models.JSONField(_("linked records"), default=list, blank=True)
    # A needs assessment report names its assessment: the assessment's country releases it.
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment reported on"),
    )
    file = models.FileField(upload_to=_stored_name, max_length=200, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    file_original_name = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(_("released by the country"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["tlp", "status"], name="records_publication_pub")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records:publication_detail", kwargs={"slug": self.slug})

    @property
    def display_title(self) -> str:
        return self.translated("title")

    @property
    def display_abstract(self) -> str:
        return self.translated("abstract")


class Briefing(Labelled):
    """An emerging-threat briefing: what is happening (virtual-currency laundering,
    darknet markets, business e-mail compromise ...), its sources, the countries it
    concerns and the needs it creates. Public when TLP:CLEAR: it has no publishing
    step of its own, its label says who reads it."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    threat = models.CharField(_("threat"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    published_on = models.DateField(_("date of the briefing"))
    # [{"title": "...", "url": "https://..."}]: checked by the services (http and https only).
    sources = models.JSONField(_("sources"), default=list, blank=True)
    countries = models.ManyToManyField(
        "directory.Country",
        blank=True,
        related_name="record_briefings",
        verbose_name=_("countries concerned"),
    )
    needs = models.ManyToManyField(
        "planning.Need",
        blank=True,
        related_name="briefings",
        verbose_name=_("needs it creates"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["tlp", "published_on"], name="records_briefing_pub")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records:briefing_detail", kwargs={"slug": self.slug})


class Snapshot(Labelled):
    """A frozen copy of one open dataset on one date (always TLP:CLEAR)."""

    dataset = models.CharField(max_length=40)
    date = models.DateField()
    edition = models.PositiveIntegerField()  # 1, 2, 3 ... per dataset
    rows = models.PositiveIntegerField(default=0)
    csv = models.TextField()
    json = models.TextField()
    sha256 = models.CharField(max_length=64)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        ordering = ["-date", "dataset"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "date"], name="records_snapshot_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.date.isoformat()} v{self.edition}"
