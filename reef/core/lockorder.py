"""One lock order for every writer on PostgreSQL: the writers' lock first.

Every write transaction ends by appending to the audit chain, which locks the
single chain-head row until commit. A transaction that locked other rows before
the head (an UPDATE, then the audit entry) deadlocks against one that audited
first and then touched the same rows (seen under load: votes against opinion
reports on one consultation). So, before a transaction's first row lock, it
takes one transaction-scoped advisory lock, the same for all: no two writers
hold row locks at once, no lock cycle can form. Writers are serialised as
SQLite's IMMEDIATE transactions serialise them; readers are never blocked.

An advisory lock needs no table (migrations run before the audit tables exist)
and is re-entrant within a transaction. The audit tables take it too (an audit
entry appended first, rows written after, is the other half of the deadlock).
Only tables whose writes never share a transaction with other rows' are left
out: sessions and the task queue's claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

WRITERS_LOCK_KEY = 0x52656566  # "Reef"
WRITERS_LOCK = f"SELECT pg_advisory_xact_lock({WRITERS_LOCK_KEY})"
_LOCKING = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", re.I)
EXEMPT_TABLES = ('"django_session"', '"django_tasks_database_dbtaskresult"')
_BUSY = "_reef_taking_writers_lock"
# Set once the current transaction holds the lock; cleared when a transaction
# begins or ends (set_autocommit) and when a savepoint is rolled back (which
# releases locks taken after it).
_HELD = "_reef_writers_lock_held"


def takes_row_locks(sql: str) -> bool:
    """A statement that locks rows of a table that is not exempt."""
    return bool(_LOCKING.search(sql)) and not any(table in sql for table in EXEMPT_TABLES)


def head_first(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    connection: BaseDatabaseWrapper = context["connection"]
    if (
        connection.in_atomic_block
        and not getattr(connection, _HELD, False)
        and not getattr(connection, _BUSY, False)
        and takes_row_locks(sql)
    ):
        setattr(connection, _BUSY, True)
        try:
            with connection.cursor() as cursor:
                cursor.execute(WRITERS_LOCK)
            setattr(connection, _HELD, True)
        finally:
            setattr(connection, _BUSY, False)
    return execute(sql, params, many, context)


def _forgetting(connection: BaseDatabaseWrapper, method: str) -> None:
    original = getattr(connection, method)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        setattr(connection, _HELD, False)
        return original(*args, **kwargs)

    setattr(connection, method, wrapper)


def _install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "postgresql" and head_first not in connection.execute_wrappers:
        connection.execute_wrappers.append(head_first)
        for method in ("set_autocommit", "commit", "rollback", "savepoint_rollback"):
            _forgetting(connection, method)


def install() -> None:
    connection_created.connect(_install, dispatch_uid="reef-lock-order")
