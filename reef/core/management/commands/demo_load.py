from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reef.core.demo import DEMO_PASSWORD, load_all


class Command(BaseCommand):
    help = "Load the illustrative Caribbean demo data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        load_all(lambda line: self.stdout.write(line))
        from reef.accounts.demo import PERSONAS

        self.stdout.write("\nAll demo data is illustrative. Sign in with:")
        for email, label, *_ in PERSONAS:
            self.stdout.write(f"  {email:<32} {label}")
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write("  (demo accounts may skip MFA in demo mode only)")
