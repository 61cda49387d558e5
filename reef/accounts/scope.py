"""A user's scope, importable from here as before; computed in `reef/core/scope.py`,
beside the access layer that reads it."""

from reef.core.scope import compute_scope, email_verified, verified_address

__all__ = ["compute_scope", "email_verified", "verified_address"]
