"""Sign-in events go to the audit trail; a request's deferred audit seals run after it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.signals import request_finished
from django.dispatch import receiver

from reef.core.audit import audit_append, seal_deferred

# After the response has been sent (WSGI close): the person does not wait for the seal.
request_finished.connect(seal_deferred, dispatch_uid="reef.audit.seal_deferred")


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_append(action="sign_in", actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_append(action="sign_out", actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Never the password: only the identifier that was tried.
    tried = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit_append(action="sign_in_failed", detail={"identifier": tried})
