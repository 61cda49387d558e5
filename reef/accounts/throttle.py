"""Sign-in throttling by account and by address: a progressive delay, never a lock.

Every password check (allauth's sign-in and re-authentication, token creation
with a password) asks `signin_wait` first and reports failures with
`signin_failed`. After REEF_SIGNIN_THRESHOLD failures for one account (or
REEF_SIGNIN_ADDRESS_THRESHOLD from one address), each failure makes that
account or address wait REEF_SIGNIN_FIRST_DELAY_SECONDS, then twice as long
after each further failure (16, 32, 64... seconds), at most
REEF_SIGNIN_MAX_DELAY_SECONDS, before its next attempt is even checked. Attempts
refused during a wait are not counted, so a patient attacker gets a few guesses
an hour and the owner waits at most the cap, or at once lifts the account's
delay with a password reset; a complete sign-in (with MFA when set up) lifts it
too. The address's count is not lifted by a sign-in (an attacker could mix in
sign-ins to their own account); it is forgotten REEF_SIGNIN_FORGET_SECONDS after
its last failure, as the account's.

Counts live in the shared Django cache (Redis in production: REEF_CACHE_URL),
so every worker sees the same numbers. Accounts are keyed by a hash of the
address typed, known or not, so the answer does not tell which addresses exist.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache

_PREFIX = "reef:signin"


def _now() -> float:
    return time.time()


def _account_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"{_PREFIX}:account:{digest}"


def _address_key(address: str) -> str:
    # One IPv6 host usually holds a whole /64: count the network, not each address.
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"{_PREFIX}:address:{address[:64]}"
    if ip.version == 6:
        return f"{_PREFIX}:address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"{_PREFIX}:address:{ip}"


def _keys(address: str, email: str) -> list[tuple[str, int]]:
    keys = [(_address_key(address), settings.REEF_SIGNIN_ADDRESS_THRESHOLD)]
    if email.strip():
        keys.append((_account_key(email), settings.REEF_SIGNIN_THRESHOLD))
    return keys


def delay_after(failures: int, threshold: int) -> int:
    """Seconds to wait after `failures` failures: 0 below the threshold, then the
    first delay, doubled with each further failure, at most the cap."""
    if failures < threshold:
        return 0
    first: int = settings.REEF_SIGNIN_FIRST_DELAY_SECONDS
    cap: int = settings.REEF_SIGNIN_MAX_DELAY_SECONDS
    doublings = failures - threshold
    if doublings >= cap.bit_length():
        return cap
    return int(min(first * 2**doublings, cap))


def signin_wait(address: str, email: str) -> int:
    """Seconds before this address may try a password for this account (0: now)."""
    now = _now()
    wait = 0.0
    for key, _threshold in _keys(address, email):
        until = cache.get(f"{key}:until")
        if until is not None:
            wait = max(wait, float(until) - now)
    return math.ceil(wait) if wait > 0 else 0


def signin_failed(address: str, email: str) -> None:
    """Count a wrong password (or code) for this address and account."""
    forget: int = settings.REEF_SIGNIN_FORGET_SECONDS
    now = _now()
    for key, threshold in _keys(address, email):
        count_key = f"{key}:n"
        cache.add(count_key, 0, timeout=forget)
        try:
            failures = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.add(count_key, 1, timeout=forget)
            failures = 1
        cache.touch(count_key, forget)
        delay = delay_after(failures, threshold)
        if delay:
            cache.set(f"{key}:until", now + delay, timeout=delay + 1)


def signin_lift(email: str) -> None:
    """Forget the account's failures: its owner proved who they are."""
    key = _account_key(email)
    cache.delete_many([f"{key}:n", f"{key}:until"])


def signin_failures(email: str) -> int:
    """Failures counted for this account (not forgotten yet)."""
    count = cache.get(f"{_account_key(email)}:n")
    return int(count or 0)
