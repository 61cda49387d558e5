"""Sharing a labelled record under TLP: its label, its shares and its named readers.

Every record that subclasses `reef.core.models.Labelled` can be shared here, by
its stable reference `app_label.model` + id (for example `planning.need` 12):

- `record_set_label`: change the label; never below the label of what the record
  was derived from (reef/core/derivation.py), and a stricter label is passed on to
  the records derived from it;
- `record_share` / `record_unshare`: share a TLP:AMBER record with other countries
  and organisations (their members read it; see reef/core/access.py);
- `record_set_readers`: name the people (existing users, by e-mail) who read the
  record whatever its label: the recipients of a TLP:RED record.

Who may: the editors and managers of the record's owner (rule `core.record_share`);
for an expert profile, its expert (reef/core/sharing_rules.py).
The reads under these services (which record a reference names, who may share it, who
always reads it) are in reef/core/sharing_refs.py.

The author and the owner's managers always remain readers. TLP:RED records are
read by their named readers only, so the services keep these people named: when a
record becomes TLP:RED, and whenever readers are named on a record (or on a RED
record, whatever the list), its author (the user behind its creation, see
`author_of`) and the current managers of its owner are added and cannot be
removed. A manager who joins later is not named
automatically, but the owner's managers always reach the sharing page of their
RED records (rule `core.record_manage_red`) and can name themselves or others.

Each write is atomic, audited, and versioned with the record's `version`: it names
the version it was based on and fails with `Conflict` when the record moved on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from reef.core import derivation
from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.errors import Conflict, ServiceError
from reef.core.models import Labelled
from reef.core.rules import Actor
from reef.core.sharing_refs import (
    AUTHOR_FIELDS,
    author_of,
    keepers,
    kind_of,
    labelled_models,
    may_share_record,
    model_for,
    owner_managers,
    require_may_share,
    sharing_get,
)
from reef.core.tlp import TLP

if TYPE_CHECKING:
    from reef.accounts.models import User
    from reef.directory.models import Country, Organisation

# The reads under these services live in sharing_refs.py; importable from here as well.
__all__ = [
    "AUTHOR_FIELDS",
    "LABEL_SET_ELSEWHERE",
    "MAX_READERS",
    "SHAREABLE_LABELS",
    "Sharing",
    "author_of",
    "countries_by_code",
    "keepers",
    "kind_of",
    "labelled_models",
    "may_share_record",
    "model_for",
    "organisations_by_slug",
    "owner_managers",
    "record_set_label",
    "record_set_readers",
    "record_share",
    "record_sharing_update",
    "record_unshare",
    "require_may_share",
    "sharing_get",
    "sharing_of",
    "users_by_email",
]


#: Labels whose records may be shared with countries and organisations.
SHAREABLE_LABELS = frozenset({TLP.AMBER})
#: Kinds whose label is set by their own service, not by sharing (why, for the user).
LABEL_SET_ELSEWHERE = {
    "experts.expertprofile": _lazy(
        "An expert profile is public only with its expert's consent: change it on the "
        "profile's page."
    ),
}
#: More named readers than this is a mailing list, not TLP:RED.
MAX_READERS = 200


# --- writes ----------------------------------------------------------------------------


def _touch(record: Labelled, expected_version: int) -> None:
    """A new version for a change to the record's shares or readers (many-to-many)."""
    record.updated_at = timezone.now()
    save_versioned(record, expected_version=expected_version, fields=["updated_at"])


def _label(value: str) -> str:
    if value not in TLP.values:
        raise ServiceError(
            _("Unknown TLP label %(value)s: use one of %(known)s.")
            % {"value": repr(value), "known": ", ".join(TLP.values)},
            field="tlp",
        )
    return value


@transaction.atomic
def record_set_label(
    *, actor: Actor, record: Labelled, tlp: str, expected_version: int
) -> Labelled:
    """Change the record's label (never below its sources'; stricter is passed down)."""
    require_may_share(actor, record)
    tlp = _label(tlp)
    before = str(record.tlp)
    elsewhere = LABEL_SET_ELSEWHERE.get(kind_of(record))
    if elsewhere is not None and tlp != before:
        raise ServiceError(str(elsewhere), field="tlp")
    if before == tlp:
        if record.version != expected_version:
            raise Conflict()
        return record
    derivation.check_label(record, tlp)
    record.tlp = tlp
    save_versioned(record, expected_version=expected_version, fields=["tlp"])
    kept: list[str] = []
    if tlp == TLP.RED:
        people = keepers(record)
        record.readers.add(*people)
        kept = sorted(u.email for u in people)
    followed = (
        derivation.follow_source(record) if derivation.rank(tlp) > derivation.rank(before) else []
    )
    audit_append(
        action="record_set_label",
        actor=actor,
        obj=record,
        detail={
            "from": before,
            "to": tlp,
            "readers_kept": kept,
            "followed": [f"{kind_of(t)}:{t.pk}" for t in followed],
        },
    )
    return record


def _targets(
    record: Labelled, countries: Iterable[Country], organisations: Iterable[Organisation]
) -> tuple[list[Country], list[Organisation]]:
    cs = list({c.pk: c for c in countries}.values())
    os = list({o.pk: o for o in organisations}.values())
    if any(c.pk == record.owner_country_id for c in cs) or any(
        o.pk == record.owner_organisation_id for o in os
    ):
        raise ServiceError(
            _("The record's owner reads it already: share it with others."), field="shared_with"
        )
    return cs, os


def _detail(cs: list[Country], os: list[Organisation]) -> dict[str, list[str]]:
    return {"countries": sorted(c.code for c in cs), "organisations": sorted(o.slug for o in os)}


@transaction.atomic
def record_share(
    *,
    actor: Actor,
    record: Labelled,
    expected_version: int,
    countries: Sequence[Country] = (),
    organisations: Sequence[Organisation] = (),
) -> Labelled:
    """Share a TLP:AMBER record with countries and organisations (their members read it)."""
    require_may_share(actor, record)
    if record.tlp not in SHAREABLE_LABELS:
        raise ServiceError(
            _(
                "Only a TLP:AMBER record is shared with countries and organisations; this one "
                "is %(label)s. Name its readers instead, or change its label first."
            )
            % {"label": record.tlp},
            field="shared_with",
        )
    cs, os = _targets(record, countries, organisations)
    if not cs and not os:
        raise ServiceError(
            _("Choose a country or an organisation to share with."), field="shared_with"
        )
    record.shared_with_countries.add(*cs)
    record.shared_with_organisations.add(*os)
    _touch(record, expected_version)
    audit_append(
        action="record_share",
        actor=actor,
        obj=record,
        detail={
            "countries": sorted(c.code for c in cs),
            "organisations": sorted(o.slug for o in os),
        },
    )
    return record


@transaction.atomic
def record_unshare(
    *,
    actor: Actor,
    record: Labelled,
    expected_version: int,
    countries: Sequence[Country] = (),
    organisations: Sequence[Organisation] = (),
) -> Labelled:
    """Stop sharing the record with these countries and organisations."""
    require_may_share(actor, record)
    cs = list({c.pk: c for c in countries}.values())
    os = list({o.pk: o for o in organisations}.values())
    if not cs and not os:
        raise ServiceError(
            _("Choose a country or an organisation to stop sharing with."), field="shared_with"
        )
    record.shared_with_countries.remove(*cs)
    record.shared_with_organisations.remove(*os)
    _touch(record, expected_version)
    audit_append(
        action="record_unshare",
        actor=actor,
        obj=record,
        detail={
            "countries": sorted(c.code for c in cs),
            "organisations": sorted(o.slug for o in os),
        },
    )
    return record


def users_by_email(emails: Iterable[str]) -> list[User]:
    """Existing, active users for these e-mail addresses; an unknown one is a clear error."""
    wanted = sorted({e.strip().lower() for e in emails if e and e.strip()})
    user_model = get_user_model()
    if len(wanted) > MAX_READERS:
        raise ServiceError(_("Name at most %(n)s readers.") % {"n": MAX_READERS}, field="readers")
    found: dict[str, User] = {}
    for email in wanted:
        user = user_model._default_manager.filter(email__iexact=email, is_active=True).first()
        if user is not None:
            found[email] = user
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise ServiceError(
            _("No active user has the e-mail address %(emails)s.") % {"emails": ", ".join(unknown)},
            field="readers",
        )
    return [found[e] for e in wanted]


@transaction.atomic
def record_set_readers(
    *, actor: Actor, record: Labelled, emails: Sequence[str], expected_version: int
) -> Labelled:
    """Name the people who read the record whatever its label (TLP:RED's recipients).

    The author and the owner's managers are always kept among them (on a record that is
    TLP:RED or has any named reader; naming nobody on another label clears the list).
    """
    require_may_share(actor, record)
    people = {u.pk: u for u in users_by_email(emails)}
    if people or record.tlp == TLP.RED:
        # Once a record has named readers, its author and owner's managers are among them.
        for keeper in keepers(record):
            people.setdefault(keeper.pk, keeper)
    before = set(record.readers.values_list("email", flat=True))
    record.readers.set(list(people.values()))
    after = {u.email for u in people.values()}
    _touch(record, expected_version)
    audit_append(
        action="record_set_readers",
        actor=actor,
        obj=record,
        detail={"added": sorted(after - before), "removed": sorted(before - after)},
    )
    return record


@dataclass(frozen=True)
class Sharing:
    """A record's sharing as the page and the API show it."""

    kind: str
    id: int
    tlp: str
    version: int
    countries: list[str]
    organisations: list[str]
    readers: list[str]
    kept_readers: list[str]
    floor: str | None


def sharing_of(record: Labelled) -> Sharing:
    return Sharing(
        kind=kind_of(record),
        id=int(record.pk),
        tlp=str(record.tlp),
        version=int(record.version),
        countries=sorted(record.shared_with_countries.values_list("code", flat=True)),
        organisations=sorted(record.shared_with_organisations.values_list("slug", flat=True)),
        readers=sorted(record.readers.values_list("email", flat=True)),
        kept_readers=sorted(u.email for u in keepers(record)),
        floor=derivation.floor_of(record),
    )


def _update_shares(
    actor: Actor,
    record: Labelled,
    countries: Sequence[Country] | None,
    organisations: Sequence[Organisation] | None,
    version: int,
) -> int:
    """Unshare what is no longer wanted, then share what is new (None: leave that kind as
    is); the record's version after."""
    have_c = {c.pk: c for c in record.shared_with_countries.all()}
    have_o = {o.pk: o for o in record.shared_with_organisations.all()}
    want_c = {c.pk: c for c in (countries if countries is not None else have_c.values())}
    want_o = {o.pk: o for o in (organisations if organisations is not None else have_o.values())}
    drop_c = [c for pk, c in have_c.items() if pk not in want_c]
    drop_o = [o for pk, o in have_o.items() if pk not in want_o]
    if drop_c or drop_o:
        record_unshare(
            actor=actor,
            record=record,
            countries=drop_c,
            organisations=drop_o,
            expected_version=version,
        )
        version = record.version
    add_c = [c for pk, c in want_c.items() if pk not in have_c]
    add_o = [o for pk, o in want_o.items() if pk not in have_o]
    if add_c or add_o:
        record_share(
            actor=actor,
            record=record,
            countries=add_c,
            organisations=add_o,
            expected_version=version,
        )
        version = record.version
    return version


@transaction.atomic
def record_sharing_update(
    *,
    actor: Actor,
    record: Labelled,
    expected_version: int,
    tlp: str | None = None,
    countries: Sequence[Country] | None = None,
    organisations: Sequence[Organisation] | None = None,
    readers: Sequence[str] | None = None,
) -> Labelled:
    """Bring the record's sharing to the state given (None: leave as is), in one transaction.

    The page's form and the API's PUT call this; it calls the services above in the
    order that makes a change possible (label first, then shares, then readers).
    """
    require_may_share(actor, record)
    version = expected_version
    if record.version != version:
        raise Conflict()
    if tlp is not None and tlp != record.tlp:
        record_set_label(actor=actor, record=record, tlp=tlp, expected_version=version)
        version = record.version
    if countries is not None or organisations is not None:
        version = _update_shares(actor, record, countries, organisations, version)
    if readers is not None:
        current = set(record.readers.values_list("email", flat=True))
        wanted = {u.email for u in users_by_email(readers)}
        if wanted or record.tlp == TLP.RED:
            wanted |= {u.email for u in keepers(record)}
        if current != wanted:
            record_set_readers(
                actor=actor, record=record, emails=sorted(wanted), expected_version=version
            )
    return record


def countries_by_code(codes: Iterable[str]) -> list[Country]:
    from reef.directory.models import Country

    wanted = sorted({c.strip().upper() for c in codes if c and c.strip()})
    found = {c.code: c for c in Country.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ServiceError(
            _("Unknown country code %(codes)s.") % {"codes": ", ".join(unknown)}, field="countries"
        )
    return [found[c] for c in wanted]


def organisations_by_slug(slugs: Iterable[str]) -> list[Organisation]:
    from reef.directory.models import Organisation

    wanted = sorted({s.strip().lower() for s in slugs if s and s.strip()})
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=wanted)}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise ServiceError(
            _("Unknown organisation %(slugs)s.") % {"slugs": ", ".join(unknown)},
            field="organisations",
        )
    return [found[s] for s in wanted]
