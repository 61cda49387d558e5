"""The `reef` console command: wraps manage.py and adds demo, serve and worker.

reef demo [--port N]       set up the SQLite demo under var/ and serve it
reef serve [--port N]      production server (gunicorn, static files by WhiteNoise)
reef worker [--requeue-stale SECONDS] [--seal-every SECONDS]
                           run queued tasks (database-backed task backend) and seal the
                           audit chain every few seconds; first put back in the queue
                           tasks a dead worker left RUNNING for longer than SECONDS
                           (longer than any task takes)
reef createuser EMAIL [--admin]
                           create a user (password from the prompt or REEF_PASSWORD);
                           --admin: a platform administrator
reef member grant|revoke|list, reef user deactivate
                           roles and accounts from the console
reef audit verify          check the audit chain and compare it with the external anchors
reef audit seal            seal the audit entries still waiting for their place in the chain
reef audit anchor|rekey    anchor the chain's head now; re-anchor under a new REEF_AUDIT_KEY
reef consensus analyze FOLDER --json / reef match reviewers|team|mentors FILE --json
                           read and write only files: no secret key or database needed
reef backup FILE / reef restore FILE
reef <command> ...         any other manage.py command (framework, assessment, report, ...)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import NoReturn

BASE_DIR = Path(__file__).resolve().parent.parent


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")
    import django

    django.setup()


def _manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["reef", *argv])


def _max_requests() -> int:
    """Requests a worker serves before it is replaced by a fresh fork (0: never)."""
    from django.conf import settings

    return settings.REEF_MAX_REQUESTS


def _gunicorn(port: int, workers: int, host: str) -> None:
    binary = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    max_requests = _max_requests()
    args = [
        binary,
        "reef.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "20",
        "--timeout",
        "60",
        # Import the app once before forking: no worker answers its first request cold.
        "--preload",
        # Memory grows slowly in long-lived workers (about 1.5 MiB a minute each at full
        # load, mostly outside the Python heap): replace a worker after this many
        # requests, forked warm from the preloaded master; jitter avoids all at once.
        "--max-requests",
        str(max_requests),
        "--max-requests-jitter",
        str(max_requests // 10),
        "--chdir",
        str(BASE_DIR),
    ]
    # Fixed argv: replace this process.
    os.execv(binary, args)  # noqa: S606  # nosec B606


def demo(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="reef demo", description="Run the Reef demo.")
    parser.add_argument("--port", type=int, help="default: REEF_PORT, else 8000")
    parser.add_argument("--no-serve", action="store_true", help="set up the data, do not serve")
    args = parser.parse_args(argv)
    if args.port is not None and not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    os.environ["REEF_DEMO"] = "true"
    os.environ.setdefault("REEF_DATABASE_URL", "sqlite:///var/reef.sqlite3")
    if args.port is not None:
        # Before the settings load: REEF_SITE_URL (links in mail) names this port.
        os.environ["REEF_PORT"] = str(args.port)
    (BASE_DIR / "var").mkdir(exist_ok=True)
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    port = settings.REEF_PORT

    database = settings.DATABASES["default"]
    fresh = "sqlite" in str(database["ENGINE"]) and not Path(str(database["NAME"])).exists()
    call_command("migrate", interactive=False, verbosity=0)
    if fresh and settings.REEF_AUDIT_ANCHOR_FILE:
        # A new demo database starts a new chain: older anchors belong to a deleted one.
        call_command("audit", "anchor", "--reset", verbosity=0)
    call_command("demo_load")
    if args.no_serve:
        return
    print(f"\nReef demo: http://127.0.0.1:{port}/  (Ctrl+C to stop)\n", flush=True)
    _gunicorn(port, workers=2, host="127.0.0.1")


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="reef serve", description="Production server.")
    parser.add_argument("--port", type=int, help="default: REEF_PORT, else 8000")
    parser.add_argument("--host", help="default: REEF_HOST, else 127.0.0.1")
    parser.add_argument("--workers", type=int, help="default: REEF_WORKERS, else 2 per CPU + 1")
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    workers = args.workers or settings.REEF_WORKERS or (2 * (os.cpu_count() or 1) + 1)
    port = args.port or settings.REEF_PORT
    _gunicorn(port, workers=workers, host=args.host or settings.REEF_HOST)


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="reef worker", add_help=False)
    parser.add_argument("--requeue-stale", type=int, metavar="SECONDS")
    known, rest = parser.parse_known_args(argv)
    if known.requeue_stale is not None:
        _manage(["requeue_tasks", "--older-than", str(known.requeue_stale)])
    _manage(["worker", *rest])


COMMANDS = {"demo": demo, "serve": serve, "worker": worker}

# Commands that read and write only files: they run without a secret key or database.
FILE_ONLY = {("consensus", "analyze"), ("consensus", "analyse"), ("match", None)}


def _file_only(argv: list[str]) -> bool:
    if "--help" in argv or "-h" in argv:
        return False
    first = argv[0]
    second = argv[1] if len(argv) > 1 else None
    return (first, second) in FILE_ONLY or (first, None) in FILE_ONLY


def _consensus(argv: list[str]) -> int | None:
    from reef.consultations import consensus_cli

    return consensus_cli.main(argv)


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ValueError(message)  # the Django command words usage errors


def _match(argv: list[str]) -> int | None:
    """`reef match KIND FILE [--json] [--indent N]` as the management command does it; None
    for arguments only the Django command knows (it then runs)."""
    parser = _QuietParser(prog="reef match", add_help=False)
    parser.add_argument("kind", choices=["reviewers", "team", "mentors"])
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--indent", type=int, default=2)
    try:
        args, rest = parser.parse_known_args(argv)
    except ValueError:
        return None
    if rest:
        return None
    import json

    from reef.experts.matching import MatchingInputError, run_cli

    try:
        result = run_cli(args.kind, args.file)
    except MatchingInputError as exc:  # names the file, where in it and what was expected
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    text = json.dumps(result, indent=args.indent or None, ensure_ascii=False)
    sys.stdout.buffer.write(text.encode() + b"\n")
    sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command = COMMANDS.get(argv[0])
    if command is None and _file_only(argv):
        # Straight to the work: no Django settings, apps or system checks to load.
        code = _consensus(argv) if argv[0] == "consensus" else _match(argv[1:])
        if code is not None:
            sys.exit(code)
        os.environ["REEF_FILE_ONLY"] = "true"
    if command is not None:
        command(argv[1:])
    else:
        _manage(argv)


if __name__ == "__main__":
    main()
