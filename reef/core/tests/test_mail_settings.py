"""The mailer built from the environment: SMTP options only for the SMTP backend."""

from __future__ import annotations

import pytest
from django.core.mail import send_mail

from reef import settings as reef_settings


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.console.EmailBackend",
    ],
)
def test_a_non_smtp_backend_gets_no_smtp_options_and_sends(
    backend: str, settings: pytest.FixtureRequest
) -> None:
    # Before: production settings gave every backend the SMTP options, and a dummy or
    # locmem backend (load tests, staging) refused every mail ("Unknown options").
    mailer = reef_settings.mailer_from_env(backend)
    assert mailer == {"BACKEND": backend}
    settings.MAILERS = {"default": mailer}  # type: ignore[attr-defined]
    assert send_mail("subject", "body", None, ["someone@test.reef"]) in (0, 1)


def test_the_smtp_backend_gets_the_options_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REEF_EMAIL_HOST", "mail.test.reef")
    monkeypatch.setenv("REEF_EMAIL_PORT", "2525")
    mailer = reef_settings.mailer_from_env(reef_settings.SMTP_BACKEND)
    assert mailer["BACKEND"] == reef_settings.SMTP_BACKEND
    assert mailer["OPTIONS"]["host"] == "mail.test.reef"
    assert mailer["OPTIONS"]["port"] == 2525
