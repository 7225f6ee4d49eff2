"""Checks that cost more than the rest of a run, done at most once per interval.

A source keeps the time its costly check last ran in dlt state (so it is restored from
the warehouse with the cursors, and a failed run leaves it where it was) and asks here
whether the check is due again. The time is this machine's clock, in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .timestamps import parse_timestamp


def utc_now() -> datetime:
    """The current time; tests replace this to move a run a day ahead."""
    return datetime.now(UTC)


def is_due(last_at: Any, interval_hours: float, now: datetime | None = None) -> bool:
    """Whether a check last run at `last_at` (ISO text or None) is due again.

    An interval of 0 (or less) means every run; a missing or unreadable time means now.
    """
    if interval_hours <= 0 or not last_at:
        return True
    try:
        last = parse_timestamp(str(last_at))
    except ValueError:
        return True
    moment = now or utc_now()
    return moment - last >= timedelta(hours=interval_hours)


def stamp(now: datetime | None = None) -> str:
    """`now` as state keeps it: ISO 8601 UTC with seconds."""
    return (now or utc_now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
