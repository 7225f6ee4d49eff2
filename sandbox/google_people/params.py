"""Query parameters of the People API lists, checked the way Google checks them.

Each reader returns the parsed value or raises Google's 400 INVALID_ARGUMENT with the
message the real service sends.
"""

from __future__ import annotations

from ..wire import Request
from . import errors


def boolean(request: Request, name: str) -> bool:
    value = (request.arg(name) or "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise errors.invalid_argument(f"Invalid value at '{name}' (TYPE_BOOL), \"{value}\"")
    return value in ("true", "1")


def enum(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.arg(name)
    if value is not None and value not in allowed:
        raise errors.invalid_argument(f"Invalid value at '{name}', \"{value}\"")
    return value


def page_size(request: Request, *, default: int) -> int:
    raw = request.arg("pageSize") or "0"
    try:
        size = int(raw)
    except ValueError:
        raise errors.invalid_argument(
            f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\""
        ) from None
    if size < 0 or size > 1000:
        raise errors.invalid_argument("Page size must be between 1 and 1000, inclusive.")
    return size or default


def field_mask(request: Request, name: str, valid: tuple[str, ...], *, required: bool) -> set[str]:
    paths = request.args(name)
    if not paths and name == "personFields":  # the deprecated spelling
        paths = [p.removeprefix("person.") for p in request.args("requestMask.includeField")]
    if not paths and required:
        raise errors.invalid_argument(
            f"{name} mask is required. Please specify one or more valid paths. "
            f"Valid paths are documented at {errors.DOCS_CONNECTIONS}."
        )
    for path in paths:
        if path not in valid:
            raise errors.invalid_argument(
                f'Invalid {name} mask path: "{path}". Valid paths are documented at '
                f"{errors.DOCS_CONNECTIONS}."
            )
    return set(paths)
