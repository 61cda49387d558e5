from __future__ import annotations

import pytest

from reef.accounts import demo
from reef.accounts.models import Membership, User
from reef.directory import demo as directory_demo


@pytest.mark.django_db
def test_demo_personas_keep_the_capitals_of_their_names_and_load_once() -> None:
    directory_demo.load(lambda _line: None)  # the organisations the roles are held in
    demo.load(lambda _line: None)
    names = dict(User.objects.values_list("email", "display_name"))
    # Proper nouns stay capitalised; only the first letter is raised.
    assert names["coordinator@demo.reef"] == "Regional coordinator at CARICOM IMPACS"
    assert names["focal.grenada@demo.reef"] == "National focal point of Grenada"
    assert names["oas.officer@demo.reef"].startswith("OAS programme officer")
    memberships = Membership.objects.count()
    demo.load(lambda _line: None)
    assert Membership.objects.count() == memberships
    assert User.objects.filter(email__endswith="@demo.reef").count() == len(demo.PERSONAS)
