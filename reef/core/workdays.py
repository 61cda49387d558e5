"""Review windows in working days (Monday to Friday), shared by expert review rounds and
the country's review of a draft report: a window shorter than the minimum is refused."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def min_working_days() -> int:
    """REEF_REVIEW_MIN_WORKING_DAYS, read at each call so that tests may override it."""
    return settings.REEF_REVIEW_MIN_WORKING_DAYS


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from `start` to `end`, both included."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    count = full * 5
    for i in range(rest):
        if (start + dt.timedelta(days=full * 7 + i)).weekday() < 5:
            count += 1
    return count


def last_working_day(start: dt.date, count: int) -> dt.date:
    """The day on which `count` working days from `start` (counted) are complete."""
    end = start
    while working_days(start, end) < count:
        end += dt.timedelta(days=1)
    return end
