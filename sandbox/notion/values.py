"""Plain Python values as the store keeps them, and how they survive a type change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .model import LIST_TYPES


def empty_value(prop_type: str) -> Any:
    if prop_type in LIST_TYPES:
        return []
    if prop_type in ("title", "rich_text"):
        return ""
    if prop_type == "checkbox":
        return False
    if prop_type == "verification":
        return "unverified"
    return None


def coerce(prop_type: str, value: Any) -> Any:
    """Plain Python values -> what the store keeps for each property type."""
    if prop_type in ("title", "rich_text"):
        return "" if value is None else str(value)
    if prop_type == "number":
        return None if value is None else value
    if prop_type == "checkbox":
        return bool(value)
    if prop_type == "date":
        return date_value(value)
    if prop_type in ("multi_select", "people", "relation"):
        return [str(v) for v in value or []]
    if prop_type == "files":
        return [v if isinstance(v, dict) else {"name": str(v), "url": str(v)} for v in value or []]
    if prop_type == "verification":
        return value or "unverified"
    return value


def date_value(value: Any) -> dict[str, Any] | None:
    """None, 'YYYY-MM-DD', a date/datetime, a (start, end) pair or a Notion date dict."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {
            "start": value["start"],
            "end": value.get("end"),
            "time_zone": value.get("time_zone"),
        }
    if isinstance(value, tuple):
        start, end = value
        return {"start": iso_date(start), "end": iso_date(end), "time_zone": None}
    return {"start": iso_date(value), "end": None, "time_zone": None}


def iso_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def convert(value: Any, old_type: str, new_type: str) -> Any:
    """How a value survives a property type change (text in between, like Notion)."""
    if old_type == new_type:
        return value
    text = as_text(value, old_type)
    if new_type in ("title", "rich_text"):
        return text
    if new_type == "number":
        try:
            return float(text) if text else None
        except ValueError:
            return None
    if new_type == "checkbox":
        return text.lower() in ("true", "yes", "1", "__yes__")
    if new_type in ("select", "status"):
        return text.split(", ")[0] if text else None
    if new_type == "multi_select":
        return [part for part in text.split(", ") if part]
    if new_type == "date":
        return {"start": text, "end": None, "time_zone": None} if text else None
    if new_type in ("url", "email", "phone_number"):
        return text or None
    return empty_value(new_type)


def as_text(value: Any, prop_type: str) -> str:
    if value is None:
        return ""
    if prop_type == "checkbox":
        return "true" if value else "false"
    if prop_type == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if prop_type == "date":
        return value["start"]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
