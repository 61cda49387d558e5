"""Reads of the directory, through the access layer."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from reef.core.access import LabelledQuerySet, scope_for
from reef.core.roles import Action
from reef.core.selectors import get_for_user
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, GroupingMember, Organisation, Person


def countries_in_region() -> QuerySet[Country]:
    """Countries that belong to at least one grouping (the region Reef serves)."""
    return Country.objects.filter(groupings__isnull=False).distinct().order_by("name")


def country_get(code: str) -> Country:
    from django.http import Http404

    try:
        return Country.objects.get(code=code.upper())
    except Country.DoesNotExist:
        raise Http404 from None


def organisations_for(user: Any) -> LabelledQuerySet:
    return Organisation.objects.for_user(user).select_related("country")


def organisation_get(user: Any, slug: str) -> Organisation:
    obj: Organisation = get_for_user(
        Organisation.objects.select_related("country"), user, slug=slug
    )
    return obj


def people_for(user: Any) -> LabelledQuerySet:
    return Person.objects.for_user(user).select_related("organisation", "country")


def groupings_with_members() -> QuerySet[Grouping]:
    return Grouping.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupingMember.objects.select_related("country").order_by("country__name"),
        )
    )


def grouping_get(slug: str) -> Grouping:
    from django.http import Http404

    try:
        return groupings_with_members().get(slug=slug)
    except Grouping.DoesNotExist:
        raise Http404 from None


def owner_choices(user: Any) -> list[tuple[str, str]]:
    """Owners a user may create records for: where they are an editor or manager."""
    scope = scope_for(user)
    orgs = Organisation.objects.filter(pk__in=scope.organisation_ids(Action.EDIT))
    countries = Country.objects.filter(pk__in=scope.country_ids(Action.EDIT))
    return [(f"org:{o.slug}", str(o)) for o in orgs] + [
        (f"country:{c.code}", c.name) for c in countries
    ]


def owner_from_choice(value: str) -> tuple[Country | None, Organisation | None]:
    """The (country, organisation) named by an `owner_choices` value; Http404 if unknown."""
    from django.http import Http404

    kind, _sep, key = value.partition(":")
    try:
        if kind == "org":
            return None, Organisation.objects.get(slug=key)
        if kind == "country":
            return Country.objects.get(code=key), None
    except (Organisation.DoesNotExist, Country.DoesNotExist):
        pass
    raise Http404


def organisations_to_administer(user: Any) -> QuerySet[Organisation]:
    """Organisations whose members and consortia `user` may be shown to manage: those they
    may read, and, for an administrator, every TLP:CLEAR or TLP:GREEN one. An AMBER or RED
    organisation stays hidden from an administrator who is not its member (managed by its
    own managers, or on the console)."""
    from reef.core.access import scope_for

    scope = scope_for(user)
    visible = Q(pk__in=organisations_for(user).values("pk")) | Q(pk__in=list(scope.organisations))
    if scope.is_admin:
        visible |= Q(tlp__in=[TLP.CLEAR, TLP.GREEN])
    return Organisation.objects.filter(visible)
