"""What every workflow step shares: refusing a wrong state, moving the status on, the
refusal said in words, labels no wider than the assessment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.accounts.models import User
from reef.assessments.models import Assessment, Status
from reef.core.concurrency import save_versioned
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, require, user_of
from reef.core.tlp import stricter
from reef.frameworks.models import Indicator

#: Refusals of a workflow step taken in the wrong state, one whole sentence per step
#: and number of allowed states (placeholders: status, first, second, third).
_WRONG_STATE = {
    "accept": gettext_lazy(
        "Cannot accept the request: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "assign": gettext_lazy(
        "Cannot assign the team: the assessment is '%(status)s', "
        "it must be '%(first)s' or '%(second)s'."
    ),
    "session": gettext_lazy(
        "Cannot record a session: the assessment is '%(status)s', "
        "it must be '%(first)s', '%(second)s' or '%(third)s'."
    ),
    "open": gettext_lazy(
        "Cannot open rating: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "rate": gettext_lazy("Cannot rate: the assessment is '%(status)s', it must be '%(first)s'."),
    "close": gettext_lazy(
        "Cannot close rating: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "decide": gettext_lazy(
        "Cannot record a decision: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "finish": gettext_lazy(
        "Cannot finish consolidation: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "set_targets": gettext_lazy(
        "Cannot set targets: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "agree": gettext_lazy(
        "Cannot agree the targets: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "review": gettext_lazy(
        "Cannot open the review of the draft report: the assessment is '%(status)s', "
        "it must be '%(first)s'."
    ),
}


def _check_status(assessment: Assessment, allowed: Sequence[str], step: str) -> None:
    if assessment.status not in allowed:
        params = {"status": Status(assessment.status).label}
        for name, state in zip(("first", "second", "third"), allowed, strict=False):
            params[name] = Status(state).label
        raise ServiceError(str(_WRONG_STATE[step]) % params, code="invalid_state")


def _set_status(assessment: Assessment, status: str, fields: Sequence[str] = ()) -> None:
    """Move the workflow on; refused (Conflict) if someone else moved it meanwhile."""
    assessment.status = status
    save_versioned(assessment, expected_version=assessment.version, fields=["status", *fields])


def _assessor_key(user: User) -> str:
    return f"user:{user.pk}"


def _authorised(rule: Rule, actor: Actor, obj: Any, why: str) -> User:
    """`require` with the refusal said in words; returns the person acting.

    Every assessment rule but import refuses system actors, so past this point the
    actor is a user.
    """
    try:
        require(rule, actor, obj)
    except PermissionDenied:
        raise PermissionDenied(why) from None
    user = user_of(actor)
    if user is None:  # a rule that lets system actors through, on a step needing a person
        raise PermissionDenied(why)
    return user


def _label(assessment: Assessment, default: str) -> str:
    """A part of an assessment is never labelled wider than the assessment itself."""
    return stricter(str(assessment.tlp), default)


def _indicator_of(assessment: Assessment, indicator: Indicator | str) -> Indicator:
    if isinstance(indicator, Indicator):
        if indicator.framework_id != assessment.framework_id:
            raise ServiceError(_("That indicator is not in this assessment's framework."))
        return indicator
    found: Indicator | None = Indicator.objects.filter(
        framework=assessment.framework, key=indicator
    ).first()
    if found is None:
        raise ServiceError(
            _("Unknown indicator %(value)s in %(framework)s.")
            % {"value": repr(indicator), "framework": assessment.framework.ref},
            field="indicator",
        )
    return found
