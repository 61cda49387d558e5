"""`reef keys rotate-field-key`: MFA secrets re-encrypted under a new REEF_FIELD_KEY."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from reef.accounts import crypto
from reef.core.models import AuditEntry
from tests_support.world import PERSONA_EMAILS, totp_secret_for


def _secrets() -> dict[int, str]:
    return {
        a.pk: a.data["secret"]
        for a in Authenticator.objects.filter(type=Authenticator.Type.TOTP).order_by("pk")
    }


@pytest.mark.django_db
def test_rotate_field_key_reencrypts_every_mfa_secret(
    users: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = settings.REEF_FIELD_KEY
    before = _secrets()
    assert before
    monkeypatch.setenv("REEF_OLD_FIELD_KEY", old)
    settings.REEF_FIELD_KEY = "a brand new field key"
    with pytest.raises(ValueError):
        crypto.decrypt(next(iter(before.values())))
    out = StringIO()
    call_command("keys", "rotate-field-key", "--old-key-env", "REEF_OLD_FIELD_KEY", stdout=out)
    assert f"Re-encrypted {len(before)}" in out.getvalue()
    email = PERSONA_EMAILS["focal_point"]
    auth = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    assert crypto.decrypt(auth.data["secret"]) == totp_secret_for(email)
    assert AuditEntry.objects.filter(action="field_key_rotated", actor="system:keys").exists()
    # Again (after an interruption, say): nothing left to do, nothing broken.
    out = StringIO()
    call_command("keys", "rotate-field-key", "--old-key-env", "REEF_OLD_FIELD_KEY", stdout=out)
    assert "Re-encrypted 0" in out.getvalue()
    assert crypto.decrypt(auth.data["secret"]) == totp_secret_for(email)


@pytest.mark.django_db
def test_rotate_field_key_with_a_wrong_old_key_changes_nothing(
    users: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _secrets()
    monkeypatch.setenv("REEF_OLD_FIELD_KEY", "a guess")
    settings.REEF_FIELD_KEY = "a brand new field key"
    with pytest.raises(CommandError, match="neither the old nor the new key"):
        call_command("keys", "rotate-field-key", "--old-key-env", "REEF_OLD_FIELD_KEY")
    assert _secrets() == before
    monkeypatch.setenv("REEF_OLD_FIELD_KEY", settings.REEF_FIELD_KEY)
    with pytest.raises(CommandError, match="set the new key first"):
        call_command("keys", "rotate-field-key", "--old-key-env", "REEF_OLD_FIELD_KEY")
    monkeypatch.delenv("REEF_OLD_FIELD_KEY")
    with pytest.raises(CommandError, match="is not set"):
        call_command("keys", "rotate-field-key", "--old-key-env", "REEF_OLD_FIELD_KEY")
