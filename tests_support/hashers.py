"""A password hasher for the test suite only.

The same Argon2id algorithm and hash format as production, with the smallest costs the
algorithm accepts: every test user's password takes microseconds to hash instead of
Argon2's deliberate hundred milliseconds. `reef/conftest.py` puts it first; production
settings never name it (`reef/core/tests/test_security.py` checks that).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: Argon2's minimum for one lane
    parallelism = 1
