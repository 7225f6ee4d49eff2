"""Cursors of the page-property endpoint: an offset into the complete list, in base64.

(Data source queries page differently: their cursor is the next page's id, see query.py.)
"""

from __future__ import annotations

import base64

from ..wire import HttpError
from .errors import notion_error


def offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def cursor_offset(cursor: str | None, total: int) -> int:
    """The offset a cursor names, kept within the list; a malformed cursor is a 400."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        offset = int(base64.urlsafe_b64decode(padded).decode().removeprefix("offset:"))
    except ValueError:
        raise HttpError(
            notion_error(
                400,
                "validation_error",
                f"query failed validation: query.start_cursor should be a valid cursor, instead "
                f"was `{cursor}`.",
            )
        ) from None
    return max(0, min(offset, total))
