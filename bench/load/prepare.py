"""Prepare a database for load tests and drills: migrate, demo directory and accounts, tokens.

    REEF_DATABASE_URL=... python bench/load/prepare.py TOKENS.json

Writes {persona: "Bearer reef_..."} to TOKENS.json (one fresh token per persona).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from reef.accounts import demo as accounts_demo
    from reef.accounts.services import api_token_create
    from reef.directory import demo as directory_demo
    from reef.testing import PERSONA_EMAILS, persona

    directory_demo.load(lambda _line: None)
    accounts_demo.load(lambda _line: None)
    tokens = {}
    for name in PERSONA_EMAILS:
        _, secret = api_token_create(user=persona(name), name=f"bench {name}")
        tokens[name] = f"Bearer {secret}"
    Path(sys.argv[1]).write_text(json.dumps(tokens, indent=2))
    print(f"prepared {os.environ.get('REEF_DATABASE_URL')}: tokens in {sys.argv[1]}")


if __name__ == "__main__":
    main()
