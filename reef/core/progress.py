"""Progress for long CLI commands, on stderr so that --json output stays clean."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self._last = 0.0
        self._tty = self.stream.isatty()

    def advance(self, step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if now - self._last >= 0.5 or self.done >= self.total:
            self._last = now
            percent = 100 * self.done // self.total
            end = "\r" if self._tty and self.done < self.total else "\n"
            self.stream.write(f"{self.label}: {self.done}/{self.total} ({percent}%){end}")
            self.stream.flush()
