"""Online backup and restore: SQLite's backup API, or pg_dump/pg_restore on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    engine: str
    size: int


def _vendor() -> str:
    return str(connection.vendor)


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", str(s["NAME"])]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return found


def backup(path: Path) -> BackupInfo:
    """Write a consistent copy of the live database to `path`, even under write load."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    if _vendor() == "sqlite":
        source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=30)
        try:
            target = sqlite3.connect(str(tmp))
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
    elif _vendor() == "postgresql":
        args, env = _pg_env()
        subprocess.run(  # noqa: S603  # nosec B603
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), *args],
            check=True,
            env=env,
            capture_output=True,
        )
    else:
        raise BackupError(f"Backups are not supported on {_vendor()}.")
    os.replace(tmp, path)  # a backup file is either complete or absent
    return BackupInfo(path=path, engine=_vendor(), size=path.stat().st_size)


def restore(path: Path) -> None:
    """Replace the live database's content with the backup at `path`."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with path.open("rb") as fh:
        head = fh.read(16)
    if _vendor() == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path}: not a SQLite backup.")
        check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: the backup fails its integrity check.")
            source = sqlite3.connect(str(path))
            connections.close_all()
            target = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=30)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        finally:
            check.close()
    elif _vendor() == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{path}: not a PostgreSQL custom-format backup.")
        args, env = _pg_env()
        connections.close_all()
        result = subprocess.run(  # noqa: S603  # nosec B603
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:2000]}")
    else:
        raise BackupError(f"Restores are not supported on {_vendor()}.")


def row_counts() -> dict[str, int]:
    """Rows per table, to compare a restore with its source."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            # Table names come from the database's own catalogue, not from input.
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  # nosec B608
            counts[table] = int(cursor.fetchone()[0])
    return counts
