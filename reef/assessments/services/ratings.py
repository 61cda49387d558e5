"""Ratings: one at a time (with an evidence file), in batches (API, rating page, rating
sheet), and the close of rating."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.assessments import evidence, rules, sheets
from reef.assessments.models import DEFAULT_RATING_TLP, Assessment, Rating, RatingValue, Status
from reef.assessments.ratingrows import RatingRow, RatingRowsInvalid, RowError
from reef.assessments.services.common import (
    _assessor_key,
    _authorised,
    _check_status,
    _indicator_of,
    _label,
    _set_status,
)
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.frameworks.models import Indicator
from reef.notifications.services import notify_handoff


def _check_upload(upload: UploadedFile[bytes]) -> tuple[str, bytes]:
    limit: int = settings.REEF_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ServiceError(
            _("The evidence file is too large (%(size)s bytes; at most %(limit)s).")
            % {"size": upload.size, "limit": limit},
            field="evidence_file",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            _("The evidence file is too large (at most %(limit)s bytes).") % {"limit": limit},
            field="evidence_file",
        )
    content_type = evidence.sniff(data[:4096])
    if content_type is None:
        raise ServiceError(
            _("Evidence files must be PDF, PNG, JPEG or plain text; this file is none of these."),
            field="evidence_file",
        )
    return content_type, data


# Long because the checks and the write of one rating run in order; left whole while it
# is being optimised on its own.
@transaction.atomic
def rating_submit(
    *,
    actor: Actor,
    assessment: Assessment,
    indicator: Indicator | str,
    value: str,
    evidence_text: str = "",
    evidence_link: str = "",
    evidence_file: UploadedFile[bytes] | None = None,
) -> Rating:
    """An assessor's own rating of an indicator (a new one replaces their earlier one)."""
    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    ind = _indicator_of(assessment, indicator)
    if value not in RatingValue.values:
        raise ServiceError(
            _("A rating is one of %(known)s, not %(value)s.")
            % {"known": ", ".join(RatingValue.values), "value": repr(value)},
            field="value",
        )
    link = evidence_link.strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ServiceError(
                _("The evidence link must be an http(s) address."), field="evidence_link"
            ) from None
    upload: tuple[str, bytes] | None = _check_upload(evidence_file) if evidence_file else None
    rating = Rating.objects.filter(
        assessment=assessment, indicator=ind, assessor_key=_assessor_key(user)
    ).first()
    if rating is None:
        rating = Rating(
            assessment=assessment,
            indicator=ind,
            assessor=user,
            assessor_key=_assessor_key(user),
            tlp=_label(assessment, DEFAULT_RATING_TLP),
            owner_country=assessment.country,
        )
    else:
        rating.version += 1
    rating.assessor_name = str(user)
    rating.value = value
    rating.evidence_text = evidence_text.strip()
    rating.evidence_link = link
    if upload is not None:
        content_type, data = upload
        if rating.evidence_file:
            rating.evidence_file.delete(save=False)
        name = f"{uuid.uuid4().hex}.{evidence.ALLOWED[content_type]}"
        rating.evidence_file.save(name, ContentFile(data), save=False)
        rating.evidence_content_type = content_type
        rating.evidence_filename = (getattr(evidence_file, "name", "") or "")[-200:]
    rating.save()
    audit_append(
        action="rating_submit",
        actor=actor,
        obj=rating,
        detail={"indicator": ind.key, "value": value},
    )
    return rating


_RATING_COLUMNS = (
    "tlp",
    "owner_country_id",
    "version",
    "created_at",
    "updated_at",
    "assessment_id",
    "indicator_id",
    "assessor_id",
    "assessor_key",
    "assessor_name",
    "value",
    "evidence_text",
    "evidence_link",
    "evidence_file",
    "evidence_content_type",
    "evidence_filename",
)


def _insert_ratings(rows: Sequence[Rating]) -> None:
    """Insert many ratings (text evidence only) in one statement per batch.

    Ratings come in thousands per assessment; the ORM's bulk_create spends most of its
    time preparing each field of each row, so plain parameterised SQL is used here.
    """
    if not rows:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Rating._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _RATING_COLUMNS)
    marks = ", ".join(["%s"] * len(_RATING_COLUMNS))
    values = [
        (
            r.tlp,
            r.owner_country_id,
            1,
            now,
            now,
            r.assessment_id,
            r.indicator_id,
            r.assessor_id,
            r.assessor_key,
            r.assessor_name,
            r.value,
            r.evidence_text,
            r.evidence_link,
            "",
            "",
            "",
        )
        for r in rows
    ]
    with connection.cursor() as cursor:
        # Table and column names come from the model's metadata; values are parameters.
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608  # nosec B608


@transaction.atomic
def ratings_bulk_submit(
    *,
    actor: Actor,
    assessment: Assessment,
    ratings: Sequence[tuple[str, str, str]],
) -> int:
    """An assessor's own ratings of many indicators at once, as (indicator key, value,
    evidence text), for example from an offline rating sheet. All or nothing; one audit
    entry. Replaces the assessor's earlier ratings of those indicators."""
    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    indicators = {i.key: i for i in Indicator.objects.filter(framework=assessment.framework)}
    key = _assessor_key(user)
    rows: dict[str, Rating] = {}
    for n, (ind_key, value, text) in enumerate(ratings):
        if ind_key not in indicators:
            raise ServiceError(
                _("Rating %(n)s: unknown indicator %(value)s.")
                % {"n": n + 1, "value": repr(ind_key)},
                field="indicator",
            )
        if value not in RatingValue.values:
            raise ServiceError(
                _("Rating %(n)s: %(value)s is not one of %(known)s.")
                % {"n": n + 1, "value": repr(value), "known": ", ".join(RatingValue.values)},
                field="value",
            )
        rows[ind_key] = Rating(
            assessment=assessment,
            indicator=indicators[ind_key],
            assessor=user,
            assessor_key=key,
            assessor_name=str(user),
            value=value,
            evidence_text=text.strip(),
            tlp=_label(assessment, DEFAULT_RATING_TLP),
            owner_country=assessment.country,
        )
    Rating.objects.filter(
        assessment=assessment, assessor_key=key, indicator__key__in=list(rows)
    ).delete()
    _insert_ratings(list(rows.values()))
    audit_append(
        action="ratings_bulk_submit", actor=actor, obj=assessment, detail={"ratings": len(rows)}
    )
    return len(rows)


def _version_error(r: RatingRow, old: Rating | None) -> RowError | None:
    """A row must name the version of the stored rating it replaces (none for a new one)."""
    if old is not None and r.version != old.version:
        return RowError(
            r.row,
            "version",
            _(
                "Your rating of %(key)s changed since (now version %(now)s, "
                "this row is based on %(base)s): fetch it again."
            )
            % {
                "key": r.indicator,
                "now": old.version,
                "base": r.version if r.version is not None else _("none"),
            },
        )
    if old is None and r.version is not None:
        return RowError(
            r.row,
            "version",
            _("There is no rating of %(key)s to update: leave the version empty.")
            % {"key": r.indicator},
        )
    return None


def _check_rows(
    assessment: Assessment, user: User, rows: Sequence[RatingRow]
) -> tuple[dict[str, Indicator], dict[str, Rating], list[RowError]]:
    indicators = {i.key: i for i in Indicator.objects.filter(framework=assessment.framework)}
    stored = {
        r.indicator.key: r
        for r in Rating.objects.filter(
            assessment=assessment, assessor_key=_assessor_key(user)
        ).select_related("indicator")
    }
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    url = URLValidator(schemes=["http", "https"])
    for r in rows:
        if r.indicator not in indicators:
            errors.append(
                RowError(
                    r.row,
                    "indicator",
                    _("Unknown indicator %(value)s in %(framework)s.")
                    % {"value": repr(r.indicator), "framework": assessment.framework.ref},
                )
            )
            continue
        if r.indicator in seen:
            errors.append(
                RowError(
                    r.row,
                    "indicator",
                    _("%(key)s is rated twice (also in row %(other)s).")
                    % {"key": r.indicator, "other": seen[r.indicator]},
                )
            )
        seen[r.indicator] = r.row
        if r.value not in RatingValue.values:
            errors.append(
                RowError(
                    r.row,
                    "value",
                    _("%(value)s is not a rating: use one of %(known)s.")
                    % {"value": repr(r.value), "known": ", ".join(RatingValue.values)},
                )
            )
        link = r.evidence_link.strip()
        if link:
            try:
                url(link)
            except ValidationError:
                errors.append(
                    RowError(
                        r.row, "evidence_link", _("The evidence link must be an http(s) address.")
                    )
                )
        version_error = _version_error(r, stored.get(r.indicator))
        if version_error is not None:
            errors.append(version_error)
    return indicators, stored, errors


def _rows_applied(
    assessment: Assessment,
    user: User,
    rows: Sequence[RatingRow],
    indicators: dict[str, Indicator],
    stored: dict[str, Rating],
) -> tuple[list[Rating], list[Rating]]:
    """The checked rows as ratings, not yet saved: (new ones, stored ones changed)."""
    now = timezone.now()
    new: list[Rating] = []
    changed: list[Rating] = []
    for r in rows:
        old = stored.get(r.indicator)
        rating = old or Rating(
            assessment=assessment,
            indicator=indicators[r.indicator],
            assessor=user,
            assessor_key=_assessor_key(user),
            tlp=_label(assessment, DEFAULT_RATING_TLP),
            owner_country=assessment.country,
        )
        rating.assessor_name = str(user)
        rating.value = r.value
        rating.evidence_text = r.evidence.strip()
        rating.evidence_link = r.evidence_link.strip()
        if old is None:
            new.append(rating)
        else:
            rating.version += 1
            rating.updated_at = now
            changed.append(rating)
    return new, changed


@transaction.atomic
def ratings_submit_rows(
    *, actor: Actor, assessment: Assessment, rows: Sequence[RatingRow], source: str = "api"
) -> list[Rating]:
    """An assessor's own ratings of many indicators in one go (API batch, rating sheet).

    Every row is checked (indicator, value, link, version) and every problem reported
    at once (`RatingRowsInvalid`); nothing is saved unless all rows are right. Each row
    names the version of the rating it updates (None for a new rating), so a sheet
    filled offline cannot silently overwrite a rating changed online meanwhile.
    """
    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    if not rows:
        raise ServiceError(_("No ratings given."), field="ratings")
    indicators, stored, errors = _check_rows(assessment, user, rows)
    if errors:
        raise RatingRowsInvalid(errors)
    new, changed = _rows_applied(assessment, user, rows, indicators, stored)
    Rating.objects.bulk_update(
        changed,
        ["assessor_name", "value", "evidence_text", "evidence_link", "version", "updated_at"],
        batch_size=500,
    )
    _insert_ratings(new)
    audit_append(
        action="ratings_submit_rows",
        actor=actor,
        obj=assessment,
        detail={"source": source, "new": len(new), "updated": len(changed)},
    )
    keys = [r.indicator for r in rows]
    return list(
        Rating.objects.filter(
            assessment=assessment, assessor_key=_assessor_key(user), indicator__key__in=keys
        ).select_related("indicator")
    )


@transaction.atomic
def ratings_import_sheet(*, actor: Actor, assessment: Assessment, data: bytes) -> list[Rating]:
    """An assessor's rating sheet (XLSX) filled offline: all rows checked, all or nothing."""
    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    limit: int = settings.REEF_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ServiceError(
            _("The sheet is too large (at most %(limit)s bytes).") % {"limit": limit},
            field="sheet",
        )
    rows = sheets.read_sheet(data, user=user, assessment=assessment)
    return ratings_submit_rows(actor=actor, assessment=assessment, rows=rows, source="sheet")


@transaction.atomic
def assessment_close_rating(*, actor: Actor, assessment: Assessment) -> Assessment:
    _authorised(
        rules.may_close_rating, actor, assessment, _("Only the team lead may close rating.")
    )
    _check_status(assessment, [Status.RATING], "close")
    if not Rating.objects.filter(assessment=assessment).exists():
        raise ServiceError(_("Nobody has rated any indicator yet."))
    _set_status(assessment, Status.CONSOLIDATION)
    audit_append(action="assessment_close_rating", actor=actor, obj=assessment)
    notify_handoff(
        kind="assessment.rating_closed",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[assessment.pk]),
    )
    return assessment
