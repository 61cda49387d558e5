"""Encryption of secrets at rest (TOTP seeds), with a key kept apart from the data."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PREFIX = "fernet:"


def _fernet(key: str | None = None) -> Fernet:
    # `key` only for `reef keys rotate-field-key`, which reads with the old key.
    secret = settings.REEF_FIELD_KEY if key is None else key
    digest = hashlib.sha256(("reef-field-key:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(text: str) -> str:
    if not text.startswith(PREFIX):
        raise ValueError("secret is not encrypted")
    try:
        return _fernet().decrypt(text[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ValueError("secret cannot be decrypted with the configured REEF_FIELD_KEY") from None


def reencrypt(text: str, *, old_key: str) -> str:
    """A secret encrypted under `old_key`, encrypted again under REEF_FIELD_KEY."""
    if not text.startswith(PREFIX):
        raise ValueError("secret is not encrypted")
    try:
        plain = _fernet(old_key).decrypt(text[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ValueError("secret cannot be decrypted with the old key") from None
    return encrypt(plain)
