"""The one access layer: every read of labelled data goes through `for_user`.

Visibility follows TLP 2.0 (see docs/access.md):
- TLP:CLEAR        everyone, signed in or not;
- TLP:GREEN        members of the community (anyone holding a role);
- TLP:AMBER        the owner's members, organisations and countries it is shared
                   with, and the coordinators of a region the owning country is in;
- TLP:AMBER+STRICT the owner's members only;
- TLP:RED          named recipients only.
Named recipients (`readers`) see a record whatever its label. A record a user
may not see does not exist for them: selectors turn it into a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

from reef.core.roles import ANONYMOUS_SCOPE, Action, Scope
from reef.core.scope import compute_scope
from reef.core.tlp import TLP

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from reef.accounts.models import User


def scope_for(user: User | AnonymousUser | None) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS_SCOPE
    cached: Scope | None = getattr(user, "_reef_scope", None)
    if cached is None:
        cached = compute_scope(user)
        setattr(user, "_reef_scope", cached)  # noqa: B010  (per-request cache on the user)
    return cached


def forget_scope(user: Any) -> None:
    if hasattr(user, "_reef_scope"):
        del user._reef_scope


def _through_ids(model: type[models.Model], field_name: str, targets: list[int]) -> Any:
    """Ids of `model` rows linked through the many-to-many `field_name` to any of `targets`."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through  # type: ignore[union-attr]
    source = field.m2m_field_name()  # type: ignore[union-attr]
    target = field.m2m_reverse_field_name()  # type: ignore[union-attr]
    return through.objects.filter(**{f"{target}_id__in": targets}).values(f"{source}_id")


class LabelledQuerySet(models.QuerySet[Any]):
    """QuerySet of a model carrying a TLP label and an owner."""

    def for_user(self, user: User | AnonymousUser | None, action: str = Action.VIEW) -> Self:
        scope = scope_for(user)
        visible = self.filter(self._view_q(scope))
        if Action(action) == Action.VIEW:
            return visible
        return visible.filter(
            Q(owner_country_id__in=scope.country_ids(action))
            | Q(owner_organisation_id__in=scope.organisation_ids(action))
            | self._extra_q(scope, action)
        )

    def public(self) -> Self:
        return self.filter(tlp=TLP.CLEAR)

    def visible_ids(self, scope: Scope) -> models.QuerySet[Any]:
        """The ids of the records `scope` may view, as a subquery (see `parent_visible_q`)."""
        return self.filter(self._view_q(scope)).values("pk")

    def _view_q(self, scope: Scope) -> Q:
        q = Q(tlp=TLP.CLEAR)
        if scope.user_id is None:
            return q
        q |= Q(pk__in=_through_ids(self.model, "readers", [scope.user_id]))
        if scope.is_community:
            q |= Q(tlp=TLP.GREEN)
        member = Q(owner_country_id__in=list(scope.countries)) | Q(
            owner_organisation_id__in=list(scope.organisations)
        )
        q |= Q(tlp__in=[TLP.AMBER, TLP.AMBER_STRICT]) & member
        shared = Q(owner_country_id__in=list(scope.coordinated_countries))
        if scope.organisations:
            shared |= Q(
                pk__in=_through_ids(
                    self.model, "shared_with_organisations", list(scope.organisations)
                )
            )
        if scope.countries:
            shared |= Q(
                pk__in=_through_ids(self.model, "shared_with_countries", list(scope.countries))
            )
        q |= Q(tlp=TLP.AMBER) & shared
        return q | self._extra_q(scope, Action.VIEW)

    def _extra_q(self, scope: Scope, action: str) -> Q:
        """Model-specific grants (for example an assessment's team); none by default."""
        hook = getattr(self.model, "extra_access", None)
        if hook is None or scope.user_id is None:
            return Q(pk__in=[])
        result: Q = hook(scope, action)
        return result


def parent_visible_q(model: type[models.Model], parent_field: str, scope: Scope, action: str) -> Q:
    """The grant of a record inside another (`LabelledChild`): viewing it is allowed exactly
    when viewing its parent, the record its foreign key `parent_field` points to, is."""
    if Action(action) != Action.VIEW or scope.user_id is None:
        return Q(pk__in=[])
    parent: Any = getattr(model._meta.get_field(parent_field), "related_model", None)
    is_model = isinstance(parent, type) and issubclass(parent, models.Model)
    parents = parent._default_manager.all() if is_model else None
    if not isinstance(parents, LabelledQuerySet):
        raise TypeError(f"{model.__name__}.{parent_field} does not point to a labelled model")
    return Q(**{f"{parent_field}_id__in": parents.visible_ids(scope)})


class LabelledManager(models.Manager[Any]):
    def get_queryset(self) -> LabelledQuerySet:
        return LabelledQuerySet(self.model, using=self._db)

    def for_user(
        self, user: User | AnonymousUser | None, action: str = Action.VIEW
    ) -> LabelledQuerySet:
        return self.get_queryset().for_user(user, action)

    def public(self) -> LabelledQuerySet:
        return self.get_queryset().public()


def can(user: User | AnonymousUser | None, obj: models.Model, action: str = Action.VIEW) -> bool:
    """Whether `user` may perform `action` on `obj`, by the same rules as `for_user`."""
    manager = type(obj)._default_manager
    qs = manager.all()
    if not isinstance(qs, LabelledQuerySet):
        raise TypeError(f"{type(obj).__name__} is not a labelled model")
    return qs.for_user(user, action).filter(pk=obj.pk).exists()
