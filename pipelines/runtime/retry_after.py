"""Retry-After, as every API here may send it: delay-seconds or an HTTP date (RFC 9110)."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: object) -> float | None:
    """Seconds to wait from a Retry-After header value; None when absent or unreadable."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None
