"""The language switcher remembers a signed-in user's choice; notifications use it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from reef.accounts.language import in_language_of, language_of
from reef.accounts.models import User
from reef.accounts.services import user_set_language
from reef.core.errors import ServiceError
from reef.core.models import AuditEntry
from tests_support.world import make_user


@pytest.mark.django_db
def test_anonymous_switch_sets_the_cookie_and_stores_nothing(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "es"
    assert not AuditEntry.objects.filter(action="user_set_language").exists()


@pytest.mark.django_db
def test_signed_in_switch_is_remembered_on_every_device(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    response = clients["public"].post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    user = User.objects.get(pk=users["public"].pk)
    assert user.language == "fr"
    assert AuditEntry.objects.filter(action="user_set_language", actor_id=user.pk).count() == 1
    # Another browser, no cookie: the page is in French.
    other = Client()
    other.force_login(user)
    page = other.get("/")
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr"' in page.content.decode()
    # Switching back is remembered too; an unknown language changes nothing.
    other.post("/i18n/setlang/", {"language": "en", "next": "/"})
    other.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_user_set_language_validates() -> None:
    user = make_user()
    with pytest.raises(ServiceError, match="Unknown language"):
        user_set_language(user=user, language="klingon")
    user.refresh_from_db()
    assert user.language == ""
    assert language_of(user) == "en"
    user_set_language(user=user, language="nl")
    assert language_of(User.objects.get(pk=user.pk)) == "nl"


@pytest.mark.django_db
def test_texts_built_for_a_recipient_are_in_their_language() -> None:
    from django.utils.translation import gettext

    dutch = make_user(language="nl")
    with in_language_of(dutch):
        assert gettext("Not found.") == "Niet gevonden."
    assert gettext("Not found.") == "Not found."


@pytest.mark.django_db
def test_consultation_reminders_go_out_in_each_recipients_language(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from reef.consultations import services
    from reef.directory.models import Country, Organisation

    now = timezone.now()
    spanish = make_user(language="es")
    english = make_user()
    from reef.core.rules import DEMO, WORKER

    c = services.consultation_create(
        actor=DEMO,
        title="Regional strategy",
        owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
        participation="named",
        members=[spanish, english],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(hours=10),
    )
    services.participant_join(
        actor=english, consultation=c, sector="academia", country=Country.objects.get(code="GD")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultation_send_reminders(actor=WORKER) == 1
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "cierra" in by_recipient[spanish.email].body.lower()
    assert "closes" in by_recipient[english.email].body
