"""HubSpot's paging: opaque `after` cursors and the bounds of the `limit` parameter.

The cursors are opaque to clients; here they carry the next id (lists) or the next
offset (association lists) in base64 without padding.
"""

from __future__ import annotations

import base64

from ..wire import HttpError
from .errors import validation_error


def encode_after(value: str) -> str:
    return base64.b64encode(value.encode()).decode().rstrip("=")


def decode_after(token: str | None) -> int:
    """The id or offset an `after` cursor carries (0 without one); a bad cursor is a 400."""
    if not token:
        return 0
    try:
        return int(base64.b64decode(token + "=" * (-len(token) % 4)).decode())
    except ValueError:
        raise HttpError(validation_error(f"Invalid paging cursor {token!r}")) from None


def page_limit(raw: str | None, default: int, maximum: int) -> int:
    """The `limit` query parameter: `default` when absent, a 400 outside 1..maximum."""
    if raw in (None, ""):
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise HttpError(validation_error(f"limit must be an integer, got {raw!r}")) from None
    if not 1 <= limit <= maximum:
        raise HttpError(validation_error(f"limit must be between 1 and {maximum}"))
    return limit
