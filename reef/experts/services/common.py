"""What every expert network service shares: refusals, texts, languages, dates, regions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, require
from reef.directory.models import GroupingMember

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
PREFERRED_REGIONS = ("caricom", "cariforum", "oecs")


#: Messages of the required single-line texts: (missing, too long), by field.
TEXT_MESSAGES = {
    "name": (
        gettext_lazy("A name is required."),
        gettext_lazy("A name must be at most %(limit)s characters."),
    ),
    "title": (
        gettext_lazy("A title is required."),
        gettext_lazy("A title must be at most %(limit)s characters."),
    ),
}

#: Why an answered invitation cannot be answered again, by its status.
ALREADY_ANSWERED = {
    "accepted": gettext_lazy("This invitation is already accepted."),
    "declined": gettext_lazy("This invitation is already declined."),
    "submitted": gettext_lazy("The review for this invitation is already submitted."),
}


def day(value: dt.date, with_year: bool = True) -> str:
    """A date in the active language, e.g. 01 Jun 2026 (for messages and notifications)."""
    return date_format(value, "d M Y" if with_year else "d M")


def region_of(country_id: int | None) -> str | None:
    """The region (grouping slug) a country belongs to, CARICOM first."""
    if country_id is None:
        return None
    slugs = set(
        GroupingMember.objects.filter(country_id=country_id).values_list(
            "grouping__slug", flat=True
        )
    )
    for slug in PREFERRED_REGIONS:
        if slug in slugs:
            return slug
    return min(slugs) if slugs else None


# --------------------------------------------------------------------------- permissions


def _require(rule: Rule, actor: Actor, obj: Any, message: str) -> None:
    """`require(rule, ...)` with the app's sentence for a refusal. The pages and the API
    fetch records through the access layer first, so what is hidden is already a 404."""
    try:
        require(rule, actor, obj)
    except PermissionDenied:
        raise PermissionDenied(message) from None


_PROFILE_EDITORS = gettext_lazy("Only the expert or a coordinator of their region may do this.")
_MISSION_COORDINATORS = gettext_lazy("Only a coordinator of the country's region may do this.")
_ROUND_COORDINATORS = gettext_lazy("Only a coordinator of the round's region may do this.")
_REVIEWER_ONLY = gettext_lazy("Only the invited reviewer may answer this invitation.")


def _clean_languages(languages: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in languages:
        code = raw.strip().lower()
        if not code:
            continue
        if not LANGUAGE_RE.match(code):
            raise ServiceError(
                _("“%(value)s” is not a language code (use ISO 639-1, e.g. en, fr, es).")
                % {"value": raw},
                field="languages",
            )
        if code not in out:
            out.append(code)
    return out


def _text(value: str, field: str, limit: int = 200) -> str:
    """A required single-line text (`field` is "name" or "title"), stripped and within
    the column's length."""
    missing, too_long = TEXT_MESSAGES[field]
    value = value.strip()
    if not value:
        raise ServiceError(str(missing), field=field)
    if len(value) > limit:
        raise ServiceError(str(too_long) % {"limit": limit}, field=field)
    return value


def _contact(email: str, phone: str) -> tuple[str, str]:
    email, phone = email.strip(), phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                _("“%(value)s” is not an e-mail address.") % {"value": email},
                field="contact_email",
            ) from None
    if len(phone) > 40:
        raise ServiceError(_("The phone number is too long."), field="contact_phone")
    return email, phone
