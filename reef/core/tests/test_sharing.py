"""Sharing services: label, shares with countries and organisations, named readers."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core import sharing
from reef.core.access import can
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.records import services as records
from reef.records.models import Publication

pytestmark = pytest.mark.django_db


def _publication(users: dict[str, Any], tlp: str = TLP.AMBER) -> Publication:
    return records.publication_create(
        actor=users["focal_point"],
        title="Grenada incident statistics",
        owner_country=Country.objects.get(code="GD"),
        tlp=tlp,
    )


def _fresh(record: Any) -> Any:
    return type(record)._base_manager.get(pk=record.pk)


def test_manager_shares_an_amber_record_with_another_country(users: dict[str, Any]) -> None:
    pub = _publication(users)
    assert not can(users["outsider"], pub)
    sharing.record_share(
        actor=users["focal_point"],
        record=pub,
        countries=[Country.objects.get(code="BB")],
        expected_version=pub.version,
    )
    pub = _fresh(pub)
    assert pub.version == 2
    assert can(users["outsider"], pub)  # Barbados manager
    assert not can(users["public"], pub)
    assert not can(users["donor"], pub)
    entry = AuditEntry.objects.filter(action="record_share").last()
    assert entry is not None and entry.detail["countries"] == ["BB"]
    sharing.record_unshare(
        actor=users["focal_point"],
        record=pub,
        countries=[Country.objects.get(code="BB")],
        expected_version=pub.version,
    )
    assert not can(users["outsider"], _fresh(pub))


def test_share_with_an_organisation(users: dict[str, Any]) -> None:
    pub = _publication(users)
    sharing.record_share(
        actor=users["focal_point"],
        record=pub,
        organisations=[Organisation.objects.get(slug="oas")],
        expected_version=pub.version,
    )
    assert can(users["donor"], _fresh(pub))


def test_only_amber_records_are_shared_and_nothing_changes(users: dict[str, Any]) -> None:
    pub = _publication(users, TLP.AMBER_STRICT)
    with pytest.raises(ServiceError, match="Only a TLP:AMBER record"):
        sharing.record_share(
            actor=users["focal_point"],
            record=pub,
            countries=[Country.objects.get(code="BB")],
            expected_version=pub.version,
        )
    assert _fresh(pub).version == 1
    assert not _fresh(pub).shared_with_countries.exists()


def test_sharing_with_the_owner_or_nobody_is_refused(users: dict[str, Any]) -> None:
    pub = _publication(users)
    with pytest.raises(ServiceError, match="owner reads it already"):
        sharing.record_share(
            actor=users["focal_point"],
            record=pub,
            countries=[Country.objects.get(code="GD")],
            expected_version=pub.version,
        )
    with pytest.raises(ServiceError, match="Choose a country"):
        sharing.record_share(actor=users["focal_point"], record=pub, expected_version=1)
    assert _fresh(pub).version == 1


def test_who_may_share(users: dict[str, Any]) -> None:
    pub = _publication(users)
    bb = [Country.objects.get(code="BB")]
    # Cannot see it: it does not exist for them.
    for who in ("outsider", "public", "donor", "expert"):
        with pytest.raises(ServiceError) as exc:
            sharing.record_share(actor=users[who], record=pub, countries=bb, expected_version=1)
        assert exc.value.code == "not_found", who
    # The coordinator reads Grenada's AMBER records but does not own them.
    with pytest.raises(PermissionDenied):
        sharing.record_share(
            actor=users["coordinator"], record=pub, countries=bb, expected_version=1
        )
    assert sharing.may_share_record(users["focal_point"], pub)
    assert not sharing.may_share_record(users["coordinator"], pub)
    assert sharing.may_share_record(DEMO, pub)
    assert _fresh(pub).version == 1


def test_stale_version_is_a_conflict(users: dict[str, Any]) -> None:
    pub = _publication(users)
    with pytest.raises(Conflict):
        sharing.record_set_label(
            actor=users["focal_point"], record=pub, tlp=TLP.GREEN, expected_version=7
        )
    assert _fresh(pub).tlp == TLP.AMBER


def test_unknown_label_is_a_clear_error(users: dict[str, Any]) -> None:
    pub = _publication(users)
    with pytest.raises(ServiceError, match="Unknown TLP label"):
        sharing.record_set_label(
            actor=users["focal_point"], record=pub, tlp="TLP:PINK", expected_version=1
        )


def test_red_keeps_author_and_owner_managers_and_names_readers(users: dict[str, Any]) -> None:
    pub = _publication(users)
    sharing.record_set_label(
        actor=users["focal_point"], record=pub, tlp=TLP.RED, expected_version=pub.version
    )
    pub = _fresh(pub)
    assert pub.tlp == TLP.RED
    assert users["focal_point"] in pub.readers.all()
    assert can(users["focal_point"], pub)
    assert not can(users["donor"], pub)
    sharing.record_set_readers(
        actor=users["focal_point"],
        record=pub,
        emails=[users["donor"].email.upper()],
        expected_version=pub.version,
    )
    pub = _fresh(pub)
    assert can(users["donor"], pub)
    for who in ("outsider", "public", "coordinator", "expert"):
        assert not can(users[who], pub), who
    # Naming nobody keeps the author and the owner's managers.
    sharing.record_set_readers(
        actor=users["focal_point"], record=pub, emails=[], expected_version=pub.version
    )
    pub = _fresh(pub)
    assert list(pub.readers.all()) == [users["focal_point"]]
    assert not can(users["donor"], pub)


def test_unknown_reader_is_refused_and_nothing_changes(users: dict[str, Any]) -> None:
    pub = _publication(users, TLP.RED)
    with pytest.raises(ServiceError, match=r"nobody@nowhere\.example"):
        sharing.record_set_readers(
            actor=users["focal_point"],
            record=pub,
            emails=[users["donor"].email, "nobody@nowhere.example"],
            expected_version=pub.version,
        )
    assert not _fresh(pub).readers.exists()
    assert _fresh(pub).version == 1


def test_owner_managers_reach_a_red_record_they_are_not_named_on(users: dict[str, Any]) -> None:
    # Created RED elsewhere, with no reader: the owner's managers can still name readers.
    pub = _publication(users, TLP.RED)
    assert not can(users["focal_point"], pub)
    found = sharing.sharing_get(users["focal_point"], "records.publication", pub.pk)
    assert found.pk == pub.pk
    for who in ("outsider", "donor", "coordinator", "public"):
        with pytest.raises(ServiceError):
            sharing.sharing_get(users[who], "records.publication", pub.pk)
    sharing.record_set_readers(
        actor=users["focal_point"], record=pub, emails=[], expected_version=pub.version
    )
    assert can(users["focal_point"], _fresh(pub))


@pytest.mark.parametrize(
    "kind", ["accounts.user", "core.auditentry", "nope.nope", "records", "", "directory.country"]
)
def test_only_labelled_models_are_shared(users: dict[str, Any], kind: str) -> None:
    with pytest.raises(ServiceError) as exc:
        sharing.sharing_get(users["focal_point"], kind, 1)
    assert exc.value.code == "not_found"


def test_sharing_update_applies_a_whole_state_in_order(users: dict[str, Any]) -> None:
    pub = _publication(users, TLP.RED)
    sharing.record_sharing_update(
        actor=users["focal_point"],
        record=pub,
        expected_version=pub.version,
        tlp=TLP.AMBER,
        countries=[Country.objects.get(code="BB")],
        organisations=[],
        readers=[],
    )
    state = sharing.sharing_of(_fresh(pub))
    assert state.tlp == TLP.AMBER
    assert state.countries == ["BB"]
    assert users["focal_point"].email in state.kept_readers
    assert can(users["outsider"], _fresh(pub))


def test_author_of_uses_the_audit_trail(users: dict[str, Any]) -> None:
    pub = _publication(users)
    assert sharing.author_of(pub) == users["focal_point"]


def test_naming_nobody_on_an_amber_record_clears_its_readers(users: dict[str, Any]) -> None:
    pub = _publication(users)
    sharing.record_set_readers(
        actor=users["focal_point"],
        record=pub,
        emails=[users["donor"].email],
        expected_version=pub.version,
    )
    pub = _fresh(pub)
    assert set(pub.readers.all()) == {users["donor"], users["focal_point"]}
    sharing.record_set_readers(
        actor=users["focal_point"], record=pub, emails=[], expected_version=pub.version
    )
    assert not _fresh(pub).readers.exists()


def test_cli_show_and_set(users: dict[str, Any]) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    pub = _publication(users)
    me = users["focal_point"].email
    out = StringIO()
    call_command(
        "sharing",
        "set",
        "records.publication",
        str(pub.pk),
        "--as",
        me,
        "--countries",
        "BB",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["countries"] == ["BB"]
    assert can(users["outsider"], _fresh(pub))
    out = StringIO()
    call_command("sharing", "show", "records.publication", str(pub.pk), "--as", me, stdout=out)
    assert "countries: BB" in out.getvalue()
    for who in (users["outsider"].email, ""):
        with pytest.raises(CommandError, match="Not found"):
            call_command("sharing", "show", "records.publication", str(pub.pk), "--as", who)
    with pytest.raises(CommandError, match="Unknown country"):
        call_command(
            "sharing", "set", "records.publication", str(pub.pk), "--as", me, "--countries", "ZZ"
        )


def test_an_expert_shares_their_own_profile_but_not_its_label(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    from reef.experts import services as experts

    profile = experts.profile_create(
        actor=users["expert"],
        user=users["expert"],
        name="Trinidad expert",
        sector="private",
        country=Country.objects.get(code="TT"),
        consent=True,
    )
    assert sharing.may_share_record(users["expert"], profile)
    # Not the editors of the owning country: the profile is about a person.
    assert not sharing.may_share_record(users["coordinator"], profile)
    sharing.record_share(
        actor=users["expert"],
        record=profile,
        countries=[Country.objects.get(code="BB")],
        expected_version=profile.version,
    )
    assert can(users["outsider"], _fresh(profile))
    with pytest.raises(ServiceError, match="consent"):
        sharing.record_set_label(
            actor=users["expert"],
            record=_fresh(profile),
            tlp=TLP.CLEAR,
            expected_version=_fresh(profile).version,
        )
    assert _fresh(profile).tlp == TLP.AMBER
    page = clients["expert"].get(f"/sharing/experts.expertprofile/{profile.pk}/")
    assert page.status_code == 200 and "disabled" in page.content.decode()
