from __future__ import annotations

from typing import Any

import pytest

from reef.accounts.models import Membership
from reef.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    membership_grant,
    user_create,
)
from reef.core.errors import ServiceError
from reef.core.rules import OPERATOR_IMPORT
from reef.directory.models import Country, Grouping
from tests_support.world import make_user


@pytest.mark.django_db
def test_user_create_validates(world: None) -> None:
    with pytest.raises(ServiceError, match="valid e-mail"):
        user_create(email="not-an-email", password="a long test password 123")
    with pytest.raises(ServiceError):
        user_create(email="x@example.org", password="password")  # common and short
    user = user_create(email="X@Example.org", password="a long test password 123")
    assert user.email == "x@example.org"
    with pytest.raises(ServiceError, match="already exists"):
        user_create(email="x@example.org", password="a long test password 123")


@pytest.mark.django_db
def test_membership_rules(world: None) -> None:
    user = make_user()
    gd = Country.objects.get(code="GD")
    with pytest.raises(ServiceError, match="grouping"):
        membership_grant(user=user, role="coordinator", actor=OPERATOR_IMPORT, country=gd)
    with pytest.raises(ServiceError, match="exactly one"):
        membership_grant(user=user, role="viewer", actor=OPERATOR_IMPORT)
    with pytest.raises(ServiceError, match="Unknown role"):
        membership_grant(user=user, role="king", actor=OPERATOR_IMPORT, country=gd)
    assert not Membership.objects.filter(user=user).exists()
    membership_grant(user=user, role="viewer", actor=OPERATOR_IMPORT, country=gd)
    membership_grant(user=user, role="editor", actor=OPERATOR_IMPORT, country=gd)
    assert Membership.objects.get(user=user).role == "editor"
    membership_grant(
        user=user,
        role="coordinator",
        actor=OPERATOR_IMPORT,
        grouping=Grouping.objects.get(slug="oecs"),
    )


@pytest.mark.django_db
def test_api_tokens_are_hashed_and_revocable(users: dict[str, Any]) -> None:
    token, secret = api_token_create(user=users["donor"], name="ci")
    assert secret not in token.digest and len(secret) > 40
    assert api_token_authenticate(secret) == users["donor"]
    assert api_token_authenticate(secret + "x") is None
    api_token_revoke(token=token, actor=users["donor"])
    assert api_token_authenticate(secret) is None
    with pytest.raises(ServiceError):
        api_token_create(user=users["donor"], name="")
