"""`reef keys rotate-field-key --old-key-env NAME`: re-encrypt MFA secrets under a new key."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from reef.core.audit import audit_append
from reef.core.rules import SystemActor

# The operator at the console: named in the audit trail as "system:keys".
KEYS = SystemActor("keys")
ENCRYPTED_FIELDS = ("secret", "seed")  # allauth: TOTP secret, recovery codes seed


class Command(BaseCommand):
    help = (
        "Key rotation. `keys rotate-field-key --old-key-env NAME`: set REEF_FIELD_KEY to the new "
        "key and the variable NAME to the old one; every MFA secret is decrypted with the old "
        "key and encrypted with the new one, all or nothing. Secrets already under the new key "
        "are left as they are, so a rotation can be run again after an interruption."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate-field-key"])
        parser.add_argument(
            "--old-key-env",
            metavar="NAME",
            required=True,
            help="environment variable that holds the previous REEF_FIELD_KEY",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from allauth.mfa.models import Authenticator
        from django.conf import settings

        from reef.accounts import crypto

        old_key = os.environ.get(options["old_key_env"], "")
        if not old_key:
            raise CommandError(f"{options['old_key_env']} is not set: give the old key there.")
        if old_key == settings.REEF_FIELD_KEY:
            raise CommandError("The old key is the current REEF_FIELD_KEY: set the new key first.")
        rotated = kept = 0
        with transaction.atomic():
            for auth in Authenticator.objects.select_for_update().order_by("pk"):
                data = dict(auth.data)
                changed = False
                for field in ENCRYPTED_FIELDS:
                    value = data.get(field)
                    if not isinstance(value, str) or not value.startswith(crypto.PREFIX):
                        continue
                    try:
                        data[field] = crypto.reencrypt(value, old_key=old_key)
                        changed = True
                    except ValueError:
                        try:
                            crypto.decrypt(value)  # already under the new key
                        except ValueError:
                            raise CommandError(
                                f"MFA secret {auth.pk} opens with neither the old nor the new "
                                "key: nothing was changed."
                            ) from None
                        kept += 1
                if changed:
                    auth.data = data
                    auth.save(update_fields=["data"])
                    rotated += 1
            audit_append(
                action="field_key_rotated",
                actor=KEYS,
                object_type="mfa.authenticator",
                detail={"rotated": rotated, "already_rotated": kept},
            )
        self.stdout.write(
            f"Re-encrypted {rotated} MFA secret(s) under the new REEF_FIELD_KEY "
            f"({kept} already under it)."
        )
