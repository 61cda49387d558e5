"""Publications: drafted, translated, given a file, submitted, returned, released (a
needs assessment report) and published."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.assessments import selectors as assessment_selectors
from reef.assessments.models import Assessment
from reef.core.access import can
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor, SystemActor, user_of
from reef.core.tlp import ORDER, TLP
from reef.directory.models import Country, Organisation
from reef.notifications.services import notify_handoff
from reef.records import rules as R
from reef.records import uploads
from reef.records.models import Event, Publication
from reef.records.services.common import (
    Upload,
    _apply_changes,
    _check_links,
    _check_owner,
    _check_tlp,
    _require,
    _set_translation,
    _store,
    _unique_slug,
)


def _check_assessment(
    actor: Actor,
    assessment: Assessment | None,
    owner_country: Country | None,
    countries: list[Country],
) -> list[Country]:
    """A needs assessment report is about one assessment: it belongs to that assessment's
    country and names no other. Returns the countries it is about."""
    if assessment is None:
        raise ServiceError(
            _("A needs assessment report names the assessment it reports on."),
            field="assessment",
        )
    if not isinstance(actor, SystemActor) and not can(actor, assessment):
        raise ServiceError(_("Not found."), code="not_found", field="assessment")
    if owner_country is None or owner_country.pk != assessment.country_id:
        raise ServiceError(
            _("A needs assessment report is owned by the assessed country."), field="owner"
        )
    if any(c.pk != assessment.country_id for c in countries):
        raise ServiceError(
            _("A needs assessment report is about its assessment's country only."),
            field="countries",
        )
    return [owner_country]


def _check_derived_label(tlp: str, links: list[dict[str, Any]]) -> None:
    """A publication made from a consultation is not created with a wider label than its
    source (a clear refusal before anything is written; a relabel later is refused by the
    label floor of reef.core.derivation)."""
    from reef.consultations.models import Consultation

    ids = [link["id"] for link in links if link.get("kind") == "consultation"]
    if not ids:
        return
    rank = ORDER.index(TLP(tlp))
    sources = Consultation.objects.filter(pk__in=ids).only("tlp")
    if len(sources) != len(set(ids)):
        raise ServiceError(_("A linked consultation does not exist."), field="links")
    for source in sources:
        if ORDER.index(TLP(source.tlp)) > rank:
            raise ServiceError(
                _("A publication made from a %(source)s consultation cannot be %(label)s.")
                % {"source": source.tlp, "label": tlp},
                field="tlp",
            )


def _check_language(language: str) -> str:
    language = language.strip().lower()
    if not language or len(language) > 10 or not language.replace("-", "").isalpha():
        raise ServiceError(
            _("Give the language as a code such as en, es, fr or nl."), field="language"
        )
    return language


@transaction.atomic
def publication_create(
    *,
    actor: Actor,
    title: str,
    kind: str = Publication.Kind.REPORT,
    owner_country: Country | None = None,
    owner_organisation: Organisation | None = None,
    authors: str = "",
    abstract: str = "",
    language: str = "en",
    tlp: str = TLP.AMBER,
    countries: Iterable[Country] = (),
    events: Iterable[Event] = (),
    links: Iterable[dict[str, Any]] = (),
    slug: str = "",
    assessment: Assessment | None = None,
) -> Publication:
    """A draft. A needs assessment report names its assessment and belongs to, and is
    about, that assessment's country only."""
    title = title.strip()
    if not title:
        raise ServiceError(_("A publication needs a title."), field="title")
    if kind not in Publication.Kind.values:
        raise ServiceError(
            _("Unknown kind of publication %(value)s.") % {"value": kind}, field="kind"
        )
    countries = list(countries)
    if kind == Publication.Kind.ASSESSMENT_REPORT:
        countries = _check_assessment(actor, assessment, owner_country, countries)
    elif assessment is not None:
        raise ServiceError(
            _("Only a needs assessment report names an assessment."), field="assessment"
        )
    _check_tlp(tlp)
    _check_owner(R.may_create_publication, actor, Publication(), owner_country, owner_organisation)
    links = _check_links(links)
    _check_derived_label(tlp, links)
    publication: Publication = Publication.objects.create(
        slug=_unique_slug(Publication, slug, title),
        title=title,
        kind=kind,
        authors=authors.strip(),
        abstract=abstract,
        language=_check_language(language),
        tlp=tlp,
        owner_country=owner_country,
        owner_organisation=owner_organisation,
        links=links,
        assessment=assessment,
    )
    publication.countries.set(countries)
    publication.events.set(list(events))
    audit_append(action="publication_create", actor=actor, obj=publication)
    return publication


@transaction.atomic
def publication_update(
    *,
    actor: Actor,
    publication: Publication,
    expected_version: int | None = None,
    title: str | None = None,
    authors: str | None = None,
    abstract: str | None = None,
    tlp: str | None = None,
) -> Publication:
    _require(
        R.may_update_publication,
        actor,
        publication,
        _("Only editors of the owner may change this."),
    )
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status == Publication.Status.PUBLISHED:
        raise ServiceError(_("A published publication cannot be changed."), field="status")
    _apply_changes(
        publication,
        expected_version=expected_version,
        title=title,
        untitled=_("A publication needs a title."),
        tlp=tlp,
        values={"authors": None if authors is None else authors.strip(), "abstract": abstract},
    )
    audit_append(action="publication_update", actor=actor, obj=publication)
    return publication


@transaction.atomic
def publication_attach_file(
    *, actor: Actor, publication: Publication, upload: Upload
) -> Publication:
    _require(
        R.may_attach_file, actor, publication, _("Only editors of the owner may attach a file.")
    )
    if publication.status == Publication.Status.PUBLISHED:
        raise ServiceError(_("A published publication cannot be changed."), field="status")
    checked, stored, size = _store(upload, uploads.DOCUMENTS)
    publication.file.save(str(stored.name), stored, save=False)
    publication.file_content_type = checked.content_type
    publication.file_size = size
    publication.file_original_name = checked.safe_name
    publication.version += 1
    publication.save()
    audit_append(
        action="publication_attach_file",
        actor=actor,
        obj=publication,
        detail={"type": checked.content_type, "size": size},
    )
    return publication


@transaction.atomic
def publication_set_translation(
    *,
    actor: Actor,
    publication: Publication,
    language: str,
    title: str | None = None,
    abstract: str | None = None,
) -> Publication:
    _require(
        R.may_translate_publication,
        actor,
        publication,
        _("Only editors of the owner may translate this."),
    )
    _set_translation(publication, language, {"title": title, "abstract": abstract})
    audit_append(
        action="publication_set_translation",
        actor=actor,
        obj=publication,
        detail={"lang": language},
    )
    return publication


@transaction.atomic
def publication_submit(*, actor: Actor, publication: Publication) -> Publication:
    _require(
        R.may_submit_publication,
        actor,
        publication,
        _("Only editors of the owner may submit this."),
    )
    if publication.status != Publication.Status.DRAFT:
        raise ServiceError(_("Only a draft can be submitted for review."), field="status")
    publication.status = Publication.Status.REVIEW
    publication.submitted_at = timezone.now()
    publication.version += 1
    publication.save()
    audit_append(action="publication_submit", actor=actor, obj=publication)
    return publication


@transaction.atomic
def publication_return(*, actor: Actor, publication: Publication, reason: str = "") -> Publication:
    _require(
        R.may_return_publication,
        actor,
        publication,
        _("Only managers of the owner may return this."),
    )
    if publication.status != Publication.Status.REVIEW:
        raise ServiceError(_("Only a publication in review can be returned."), field="status")
    publication.status = Publication.Status.DRAFT
    publication.released_at = None
    publication.released_by = None
    publication.version += 1
    publication.save()
    audit_append(
        action="publication_return", actor=actor, obj=publication, detail={"reason": reason[:500]}
    )
    return publication


@transaction.atomic
def publication_release(
    *,
    actor: Actor,
    publication: Publication,
    summary: str = "",
    summary_tlp: str = TLP.CLEAR,
) -> Publication:
    """A manager of the assessed country (the country of the report's assessment) releases
    its needs assessment report for publication, whoever owns the publication; not while
    the country's review of the draft report is open or has undecided amendments.

    With a `summary`, the same step publishes it to the record as the country's brief,
    under the label the manager chooses (the report itself keeps its own label and
    workflow); a summary that cannot be published undoes the release too."""
    if publication.kind != Publication.Kind.ASSESSMENT_REPORT:
        raise ServiceError(_("Only a needs assessment report needs a release."), field="kind")
    if publication.assessment is None or (
        publication.assessment.country_id != publication.owner_country_id
    ):
        # Made before reports named their assessment: nobody can vouch for it.
        raise ServiceError(
            _("This report names no assessment of its country; it cannot be released."),
            field="assessment",
        )
    _require(
        R.may_release,
        actor,
        publication,
        _("Only a manager of the assessed country may release its report."),
    )
    if publication.status != Publication.Status.REVIEW:
        raise ServiceError(_("Submit the report for review before releasing it."), field="status")
    if publication.released_at is not None:
        raise ServiceError(_("The report is already released."), field="status")
    blockers = assessment_selectors.review_blockers(publication.assessment)
    if blockers:
        raise ServiceError(" ".join(blockers), field="status", code="review_open")
    publication.released_at = timezone.now()
    publication.released_by = user_of(actor)
    publication.version += 1
    publication.save()
    audit_append(action="publication_release", actor=actor, obj=publication)
    if summary.strip():
        _publish_summary(actor, publication, publication.assessment, summary, summary_tlp)
    notify_handoff(
        kind="assessment.report_released",
        subject_obj=publication.assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[publication.assessment.pk]),
    )
    return publication


def _publish_summary(
    actor: Actor, report: Publication, assessment: Assessment, summary: str, tlp: str
) -> Publication:
    """The released report's summary, published to the record as its country's brief."""
    brief = publication_create(
        actor=actor,
        title=_("Summary: %(title)s") % {"title": report.title},
        kind=Publication.Kind.BRIEF,
        owner_country=assessment.country,
        abstract=summary.strip(),
        language=report.language,
        tlp=tlp,
        countries=[assessment.country],
    )
    publication_submit(actor=actor, publication=brief)
    return publication_publish(actor=actor, publication=brief)


@transaction.atomic
def publication_publish(*, actor: Actor, publication: Publication) -> Publication:
    _require(
        R.may_publish_publication,
        actor,
        publication,
        _("Only managers of the owner may publish this."),
    )
    if publication.status != Publication.Status.REVIEW:
        raise ServiceError(_("Only a publication in review can be published."), field="status")
    if publication.kind == Publication.Kind.ASSESSMENT_REPORT and publication.released_at is None:
        raise ServiceError(
            _("The assessed country's manager must release this report first."), field="status"
        )
    publication.status = Publication.Status.PUBLISHED
    publication.published_at = timezone.now()
    publication.published_by = user_of(actor)
    publication.version += 1
    publication.save()
    audit_append(action="publication_publish", actor=actor, obj=publication)
    return publication


PUBLICATION_STEPS = ("submit", "return", "release", "publish")


def publication_step(
    *,
    actor: Actor,
    publication: Publication,
    step: str,
    reason: str = "",
    summary: str = "",
    summary_tlp: str = TLP.CLEAR,
) -> Publication:
    """One step of the workflow named as the page's form and the API name it (one of
    PUBLICATION_STEPS); each step is its own service, with its own rule and audit."""
    if step == "submit":
        return publication_submit(actor=actor, publication=publication)
    if step == "return":
        return publication_return(actor=actor, publication=publication, reason=reason)
    if step == "release":
        return publication_release(
            actor=actor, publication=publication, summary=summary, summary_tlp=summary_tlp
        )
    if step == "publish":
        return publication_publish(actor=actor, publication=publication)
    raise ServiceError(_("Unknown step."), code="not_found", field="step")
