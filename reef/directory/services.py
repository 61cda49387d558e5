"""Every write to the directory."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.errors import ServiceError
from reef.core.rules import Actor, require
from reef.core.tlp import TLP
from reef.directory import rules
from reef.directory.models import (
    Country,
    Grouping,
    GroupingMember,
    Organisation,
    OrganisationKind,
    Person,
)
from reef.directory.reference import load_countries


@transaction.atomic
def countries_sync() -> int:
    """Create or update every ISO 3166-1 country from pycountry. Returns how many are new."""
    created = load_countries(Country)
    if created:
        audit_append(action="countries_sync", detail={"created": created})
    return created


@transaction.atomic
def grouping_set_members(
    *,
    slug: str,
    name: str,
    members: list[str],
    associates: list[str] | None = None,
    description: str = "",
    actor: Actor,
) -> Grouping:
    require(rules.may_manage_grouping, actor, None)
    grouping, _created = Grouping.objects.update_or_create(
        slug=slug, defaults={"name": name, "description": description}
    )
    wanted = {code: GroupingMember.Status.MEMBER for code in members}
    wanted.update({code: GroupingMember.Status.ASSOCIATE for code in associates or []})
    countries = {c.code: c for c in Country.objects.filter(code__in=wanted)}
    missing = sorted(set(wanted) - set(countries))
    if missing:
        raise ServiceError(_("Unknown country codes: %(codes)s.") % {"codes": ", ".join(missing)})
    grouping.memberships.exclude(country__code__in=wanted).delete()
    for code, status in wanted.items():
        GroupingMember.objects.update_or_create(
            grouping=grouping, country=countries[code], defaults={"status": status}
        )
    audit_append(
        action="grouping_set_members", actor=actor, obj=grouping, detail={"members": sorted(wanted)}
    )
    return grouping


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    acronym: str = "",
    country: Country | None = None,
    slug: str | None = None,
    website: str = "",
    description: str = "",
    tlp: str = TLP.CLEAR,
    consortia: list[Organisation] | None = None,
    is_consortium: bool = False,
) -> Organisation:
    require(rules.may_create_organisation, actor, None)
    name = name.strip()
    if not name:
        raise ServiceError(_("An organisation needs a name."), field="name")
    if len(name) > 200:
        raise ServiceError(_("The name is too long (200 characters at most)."), field="name")
    if len(acronym.strip()) > 30:
        raise ServiceError(_("The acronym is too long (30 characters at most)."), field="acronym")
    if consortia and any(not c.is_consortium for c in consortia):
        raise ServiceError(_("An organisation can only join a consortium."), field="consortia")
    if kind not in OrganisationKind.values:
        raise ServiceError(
            _("Unknown organisation kind %(value)s.") % {"value": kind}, field="kind"
        )
    if tlp not in TLP.values:
        raise ServiceError(_("Unknown TLP label %(value)s.") % {"value": tlp}, field="tlp")
    slug = slugify(slug or acronym or name)[:50]
    if not slug:
        raise ServiceError(_("Give the organisation a slug of letters and digits."), field="slug")
    website = _validate_website(website)
    if Organisation.objects.filter(slug=slug).exists():
        raise ServiceError(
            _("An organisation with the slug “%(slug)s” exists.") % {"slug": slug}, field="slug"
        )
    org = Organisation.objects.create(
        slug=slug,
        name=name,
        acronym=acronym.strip(),
        kind=kind,
        country=country,
        website=website,
        description=description,
        tlp=tlp,
        owner_country=country if kind == OrganisationKind.GOVERNMENT else None,
        is_consortium=is_consortium,
    )
    if org.owner_country is None:
        # Non-government organisations own their own record.
        org.owner_organisation = org
        org.save(update_fields=["owner_organisation"])
    if consortia:
        org.consortia.set(consortia)
    audit_append(action="organisation_create", actor=actor, obj=org)
    result: Organisation = org
    return result


def _validate_website(website: str) -> str:
    website = website.strip()
    if not website:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(website)
    except ValidationError:
        raise ServiceError(
            _("The website must be a full http:// or https:// address."), field="website"
        ) from None
    if len(website) > 200:
        raise ServiceError(_("The website address is too long (200 at most)."), field="website")
    return website


@transaction.atomic
def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    description: str,
    website: str,
    expected_version: int | None = None,
) -> Organisation:
    """Change the public description and website.

    `expected_version` is the version the actor's edit was based on (the API's
    If-Match, a form's hidden field); a newer stored version raises Conflict and
    nothing is written. Without it, the version the caller loaded is used.
    """
    require(rules.may_update_organisation, actor, organisation)
    if len(description) > 10_000:
        raise ServiceError(_("The description is too long (10,000 characters at most)."))
    organisation.description = description
    organisation.website = _validate_website(website)
    save_versioned(
        organisation,
        expected_version=organisation.version if expected_version is None else expected_version,
        fields=["description", "website"],
    )
    audit_append(
        action="organisation_update",
        actor=actor,
        obj=organisation,
        detail={"version": organisation.version},
    )
    return organisation


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    name: str,
    organisation: Organisation | None = None,
    country: Country | None = None,
    title: str = "",
    email: str = "",
    tlp: str = TLP.GREEN,
    user: User | None = None,
) -> Person:
    require(rules.may_create_person, actor, organisation)
    if not name.strip():
        raise ServiceError(_("A person needs a name."), field="name")
    person = Person.objects.create(
        name=name.strip(),
        title=title,
        organisation=organisation,
        country=country,
        email=email,
        tlp=tlp,
        user=user,
        # A government body's contacts belong to its country; others to the organisation.
        owner_organisation=organisation
        if organisation and not organisation.owner_country
        else None,
        owner_country=(organisation.owner_country if organisation else None) or country,
    )
    audit_append(action="person_create", actor=actor, obj=person)
    result: Person = person
    return result


@transaction.atomic
def consortium_member_set(
    *, actor: Actor, consortium: Organisation, organisation: Organisation, member: bool
) -> Organisation:
    """Add `organisation` to `consortium` (member=True) or take it out."""
    require(rules.may_manage_consortium, actor, consortium)
    if not consortium.is_consortium:
        raise ServiceError(
            _("%(name)s is not a consortium.") % {"name": consortium}, field="consortium"
        )
    if organisation.pk == consortium.pk:
        raise ServiceError(_("A consortium cannot be its own member."), field="organisation")
    is_member = organisation.consortia.filter(pk=consortium.pk).exists()
    if member and not is_member:
        organisation.consortia.add(consortium)
    elif not member and is_member:
        organisation.consortia.remove(consortium)
    else:
        return organisation
    audit_append(
        action="consortium_member_add" if member else "consortium_member_remove",
        actor=actor,
        obj=organisation,
        detail={"consortium": consortium.slug},
    )
    return organisation
