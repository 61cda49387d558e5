"""Which record a sharing reference names, whether an actor may share it, and who always
reads it: the reads under the sharing services (reef/core/sharing.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from reef.core.access import can
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.models import AuditEntry, Labelled
from reef.core.roles import Role
from reef.core.rules import Actor, SystemActor, allowed
from reef.core.sharing_rules import may_manage_red, may_share
from reef.core.tlp import TLP

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from reef.accounts.models import User

#: Foreign keys that name a record's author, tried in order before the audit trail.
AUTHOR_FIELDS = ("created_by", "author", "recorded_by", "requested_by", "assessor", "user")


def _not_found() -> ServiceError:
    return ServiceError(_("Not found."), code="not_found")


# --- references --------------------------------------------------------------------


def kind_of(record: models.Model) -> str:
    """The stable reference of a record's kind: "app_label.model" (e.g. "planning.need")."""
    return record._meta.label_lower


def labelled_models() -> list[type[Labelled]]:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, Labelled) and not m._meta.abstract and not m._meta.proxy
    ]


def model_for(kind: str) -> type[Labelled]:
    """The labelled model named `kind`; unknown and unlabelled kinds are not found."""
    app_label, _sep, model_name = kind.lower().partition(".")
    if not app_label or not model_name:
        raise _not_found()
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise _not_found() from None
    if not issubclass(model, Labelled) or model._meta.abstract:
        raise _not_found()
    return model


def _visible(actor: Actor | AnonymousUser | None, record: Labelled) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return can(actor, record)


def may_share_record(actor: Actor | AnonymousUser | None, record: Labelled) -> bool:
    """Whether `actor` may open the record's sharing (the button's condition)."""
    if isinstance(actor, SystemActor):
        return allowed(may_share, actor, record)
    if allowed(may_share, actor, record) and _visible(actor, record):
        return True
    return record.tlp == TLP.RED and allowed(may_manage_red, actor, record)


def require_may_share(actor: Actor, record: Labelled) -> None:
    """404 for a record the actor may not see; 403 for one they see but may not share."""
    if may_share_record(actor, record):
        return
    if _visible(actor, record):
        raise PermissionDenied(_("Only editors and managers of the owner may share this record."))
    raise _not_found()


def sharing_get(user: User | AnonymousUser | None, kind: str, pk: str | int) -> Labelled:
    """The record `kind` `pk` if `user` may share it; otherwise it does not exist (404)."""
    model = model_for(kind)
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise _not_found() from None
    record = model._base_manager.filter(pk=key).first()
    if record is None or not may_share_record(user, record):
        raise _not_found()
    return record


# --- who always reads -----------------------------------------------------------------


def author_of(record: Labelled) -> User | None:
    """The person who created the record: an author field, else the first audited actor."""
    user_model = get_user_model()
    for name in AUTHOR_FIELDS:
        try:
            field = record._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "related_model", None) is user_model:
            value = getattr(record, name, None)
            if value is not None:
                author: User = value
                return author
    entry = (
        AuditEntry.objects.filter(
            object_type=kind_of(record), object_id=str(record.pk), actor_id__isnull=False
        )
        .order_by("id")
        .first()
    )
    if entry is None or entry.actor_id is None:
        return None
    found: User | None = user_model._default_manager.filter(pk=entry.actor_id).first()
    return found


def owner_managers(record: Labelled) -> list[User]:
    from reef.accounts.models import Membership

    q = models.Q(pk__in=[])
    if record.owner_country_id is not None:
        q |= models.Q(country_id=record.owner_country_id)
    if record.owner_organisation_id is not None:
        q |= models.Q(organisation_id=record.owner_organisation_id)
    user_ids = Membership.objects.filter(q, role=Role.MANAGER).values("user_id")
    return list(get_user_model()._default_manager.filter(pk__in=user_ids, is_active=True))


def keepers(record: Labelled) -> list[User]:
    """The people who always remain readers: the author and the owner's managers."""
    people = {u.pk: u for u in owner_managers(record)}
    author = author_of(record)
    if author is not None and author.is_active:
        people[author.pk] = author
    return list(people.values())
