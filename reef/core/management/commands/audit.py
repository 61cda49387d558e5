from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from reef.core.audit import (
    VerifyResult,
    anchor_path,
    audit_seal_pending,
    audit_verify,
    write_anchor,
)


class Command(BaseCommand):
    help = (
        "Audit trail tools. `audit verify` checks every link of the hash chain and compares "
        "the head with the external anchors; `audit seal` seals the entries still waiting for "
        "their place in the chain; `audit anchor` anchors the current head now; "
        "`audit rekey --old-key-env NAME` re-anchors under a new REEF_AUDIT_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "anchor", "rekey"])
        parser.add_argument(
            "--anchors",
            type=Path,
            action="append",
            help="anchor file to compare with (repeat for several servers; "
            "default REEF_AUDIT_ANCHOR_FILE)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="anchor: start the anchors again from this database's head (after a deliberate "
            "restore or a new database); the chain itself must still verify",
        )
        parser.add_argument(
            "--old-key-env",
            metavar="NAME",
            help="rekey: the environment variable that holds the previous REEF_AUDIT_KEY",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            result = self._verify(options["anchors"])
            self.stdout.write(f"Audit chain verified: {result.entries} entries.")
        elif action == "seal":
            self._seal()
        elif action == "anchor":
            self._anchor(reset=options["reset"])
        else:
            self._rekey(options["old_key_env"])

    def _verify(self, anchors: list[Path] | None) -> VerifyResult:
        from reef.core.models import AuditEntry
        from reef.core.progress import Progress

        progress = Progress("audit entries", AuditEntry.objects.count())
        result = audit_verify(on_entry=progress.advance, anchor_files=anchors)
        for note in result.notes:
            self.stderr.write(note)
        if not result.ok:
            for problem in result.problems[:50]:
                self.stderr.write(problem)
            raise CommandError(f"Audit chain broken: {len(result.problems)} problem(s).")
        return result

    def _seal(self) -> None:
        from reef.core.models import AuditEntry, AuditHead

        # Waits for a sealer that holds the head instead of skipping: when this returns,
        # what was committed before it started is sealed (a million entries at most).
        sealed = audit_seal_pending(wait=True, passes=1000)
        head = AuditHead.objects.filter(pk=1).first()
        left = AuditEntry.objects.filter(seq__isnull=True).count()
        self.stdout.write(
            f"Sealed {sealed} entries; the chain's head is entry {head.seq if head else 0}"
            + (f"; {left} committed since wait for their seal." if left else ".")
        )

    def _require_anchor_file(self) -> Path:
        path = anchor_path()
        if path is None:
            raise CommandError("REEF_AUDIT_ANCHOR_FILE is empty: there is no anchor file to write.")
        return path

    def _anchor(self, *, reset: bool = False) -> None:
        from reef.core.models import AuditHead

        path = self._require_anchor_file()
        # Only a chain that verifies is anchored; without --reset, against the anchors too.
        self._verify([] if reset else None)
        head = AuditHead.objects.get(pk=1)
        write_anchor(head.seq, head.hash, kind="reset" if reset else "anchor", path=path)
        self.stdout.write(f"Anchored entry {head.seq} in {path}" + (" (reset)." if reset else "."))

    def _rekey(self, old_key_env: str | None) -> None:
        from reef.core.audit import _anchor
        from reef.core.models import AuditHead

        if not old_key_env or not os.environ.get(old_key_env):
            raise CommandError(
                "Give --old-key-env NAME, an environment variable set to the old key."
            )
        path = self._require_anchor_file()
        old_key = os.environ[old_key_env]
        # Everything must verify under the old key before anything is signed with the new one.
        with override_settings(REEF_AUDIT_KEY=old_key):
            self._verify(None)
        with transaction.atomic():
            head = AuditHead.objects.select_for_update().get(pk=1)
            head.anchor = _anchor(head.seq, head.hash)
            head.save(update_fields=["anchor"])
            # Lines signed with the old key cannot verify under the new one: keep them aside.
            if path.exists():
                retired = path.with_name(f"{path.name}.retired-{head.seq}")
                path.rename(retired)
                self.stdout.write(f"Old anchors kept in {retired}.")
            write_anchor(head.seq, head.hash, kind="reset", path=path)
        self.stdout.write(f"Re-keyed: entry {head.seq} anchored with the new key in {path}.")
