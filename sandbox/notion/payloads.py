"""Property payloads of a page update (PATCH /v1/pages/{id}) read into the store's plain values."""

from __future__ import annotations

from typing import Any

from .model import COMPUTED_TYPES, Property


def written_value(prop: Property, payload: Any) -> Any:
    """A page-update property payload -> the store's plain value."""
    if prop.type in COMPUTED_TYPES:
        raise ValueError(f"body failed validation: {prop.name} is a {prop.type} property.")
    if not isinstance(payload, dict) or prop.type not in payload:
        raise ValueError(
            f"body failed validation: body.properties.{prop.name}.{prop.type} should be defined."
        )
    value = payload[prop.type]
    kind = prop.type
    if kind in ("title", "rich_text"):
        return "".join(
            item.get("plain_text") or item.get("text", {}).get("content", "")
            for item in value or []
        )
    if kind in ("select", "status"):
        return value.get("name") if value else None
    if kind == "multi_select":
        return [item["name"] for item in value or []]
    if kind in ("relation", "people"):
        return [item["id"] for item in value or []]
    if kind == "files":
        return [
            {"name": item.get("name", ""), "url": (item.get("external") or {}).get("url", "")}
            for item in value or []
        ]
    if kind == "verification":
        return (value or {}).get("state", "unverified")
    return value
