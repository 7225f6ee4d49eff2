"""Notion page objects -> flat, typed rows (the raw_notion contract in DESIGN.md).

title/rich_text -> plain text; number -> float; checkbox -> bool; select/status -> option
name; multi_select/people/relation/files -> JSON lists (names, user ids, page ids,
{name, url}); date -> its start date in the column, the end in <column>_end and, when the
value has a time of day, the instants in <column>_at / <column>_end_at; formulas and
rollups -> their typed value; created/edited time -> timestamp; created/edited by -> user
id; unique_id -> PREFIX-N; verification -> its state; a type this module does not know
yet -> the property value as Notion sends it ({"type": T, T: ...}), as JSON (columns.py
warns about it).

A page missing its id or last_edited_time, or with a field or property value of the
wrong type, raises MalformedRecord (pipelines.core.records): the run stops before loading.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.core.records import RecordFields, keyed
from pipelines.core.timestamps import parse_iso_datetime, parse_optional_timestamp

from . import settings
from .columns import ColumnMap


def is_trashed(page: dict[str, Any]) -> bool:
    """In the trash: `in_trash` (and `archived`, its name before API 2026-03-11)."""
    return bool(page.get("in_trash") or page.get("archived"))


def check_page(page: Any, table: str) -> RecordFields:
    """A page's fields, checked: its id, last_edited_time (the cursor), created_time, url,
    parent, and `properties` as an object of {"id", "type", ...} values. A page that does
    not fit raises MalformedRecord naming it, the table and the field."""
    fields = keyed(page, "Notion page", "id", table, clues=("url",))
    fields.timestamp("last_edited_time", required=True)
    fields.timestamp("created_time")
    fields.get("url", str)
    fields.get("parent", dict)
    properties = fields.nested("properties")
    if properties is None:
        fields.fail("properties", "is missing")
    for name in properties.record:
        value = properties.nested(name)
        if value is None:
            properties.fail(name, "is missing")
        value.get("id", str, required=True)
        value.get("type", str, required=True)
    return fields


def page_row(
    page: dict[str, Any],
    data_source_id: str,
    columns: ColumnMap,
    *,
    is_deleted: bool = False,
) -> dict[str, Any]:
    """One row: the contract columns, then one (or a few, for dates) per property.

    `data_source_id` is the one the page was read from (its parent may name only the
    database, so it is passed in rather than read from the page). A malformed page, or a
    property value its type cannot have, raises MalformedRecord.
    """
    fields = check_page(page, columns.table)
    row: dict[str, Any] = {
        "id": fields.key("id"),
        "created_time": fields.timestamp("created_time"),
        "last_edited_time": fields.timestamp("last_edited_time"),
        "url": page.get("url"),
        "is_deleted": is_deleted or is_trashed(page),
        "data_source_id": data_source_id,
    }
    for name, value in page["properties"].items():
        entry = columns.entry(data_source_id, value["id"])
        if entry is None:  # a button, or a property newer than the schema read
            continue
        try:
            row.update(property_columns(entry, value, columns))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            fields.fail(
                f"properties.{name}",
                f"holds a value a {value['type']} property cannot have "
                f"({type(error).__name__}: {error})",
            )
    return row


def tombstone(page_id: str) -> dict[str, Any]:
    """A page that vanished without a trace (no longer shared): only its id is left."""
    return {"id": page_id, "is_deleted": True}


def property_columns(
    entry: dict[str, Any], value: dict[str, Any], columns: ColumnMap
) -> dict[str, Any]:
    column = entry["column"]
    kind = value["type"]
    raw = value.get(kind)
    if kind not in settings.COLUMN_TYPES:  # a type Notion added later (columns.py warns)
        return {column: {k: v for k, v in value.items() if k != "id"}}
    if kind == "date":
        return date_columns(column, raw)
    if kind == "formula":
        return _typed_result(entry, column, raw or {}, columns, settings.FORMULA_TYPES)
    if kind == "rollup":
        return _typed_result(entry, column, raw or {}, columns, settings.ROLLUP_RESULT_TYPES)
    return {column: plain(kind, raw)}


def plain(kind: str, raw: Any) -> Any:
    """A property value as a scalar or a JSON-able list."""
    if kind in ("title", "rich_text"):
        text = "".join(item.get("plain_text", "") for item in raw or [])
        return text or None
    if kind == "number":
        return None if raw is None else float(raw)
    if kind == "checkbox":
        return bool(raw)
    if kind in ("select", "status"):
        return raw.get("name") if raw else None
    if kind == "multi_select":
        return [option["name"] for option in raw or []]
    if kind in ("people", "relation"):
        return [item["id"] for item in raw or []]
    if kind == "files":
        return [_file(item) for item in raw or []]
    if kind in ("created_time", "last_edited_time"):
        return parse_optional_timestamp(raw)
    if kind in ("created_by", "last_edited_by"):
        return raw.get("id") if raw else None
    if kind == "unique_id":
        if not raw or raw.get("number") is None:
            return None
        return f"{raw['prefix']}-{raw['number']}" if raw.get("prefix") else str(raw["number"])
    if kind == "verification":
        return raw.get("state") if raw else None
    if kind == "date":
        return raw.get("start") if raw else None
    if kind == "formula":
        return (raw or {}).get((raw or {}).get("type"))
    return raw


def date_columns(column: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    if not raw or not raw.get("start"):
        return {column: None}
    out: dict[str, Any] = {}
    zone = raw.get("time_zone")
    for suffix, text in (("", raw.get("start")), ("_end", raw.get("end"))):
        if not text:
            continue
        day, moment = split_date(text, zone)
        out[column + suffix] = day
        if moment is not None:
            out[f"{column}{suffix}_at"] = moment
    return out


def split_date(text: str, zone: str | None) -> tuple[date, datetime | None]:
    """'2026-03-02' -> (date, None); with a time -> (its calendar date, the instant)."""
    if len(text) == 10:
        return date.fromisoformat(text), None
    moment = parse_iso_datetime(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone) if zone else UTC)
    return moment.date(), moment


def row_digest(row: dict[str, Any]) -> str:
    """A short fingerprint of a row's content (to skip pages re-read but unchanged)."""
    payload = json.dumps(row, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def _typed_result(
    entry: dict[str, Any],
    column: str,
    result: dict[str, Any],
    columns: ColumnMap,
    types: dict[str, str],
) -> dict[str, Any]:
    result_type = result.get("type")
    if result_type not in types:  # "unsupported" / "incomplete": nothing usable
        return {column: None}
    columns.observe(entry, types[result_type])
    raw = result.get(result_type)
    if result_type == "date":
        return date_columns(column, raw)
    if result_type == "array":
        return {column: [_element(item) for item in raw or []]}
    if result_type == "number":
        return {column: None if raw is None else float(raw)}
    return {column: raw}


def _element(item: dict[str, Any]) -> Any:
    """One rollup array element ({"type": T, T: value}) as a plain value."""
    kind = item.get("type")
    value = plain(kind, item.get(kind))
    return value.isoformat() if isinstance(value, datetime) else value


def _file(item: dict[str, Any]) -> dict[str, Any]:
    """Names and external links; Notion-hosted file URLs expire within an hour, so none."""
    external = item.get("external") or {}
    return {"name": item.get("name"), "url": external.get("url")}
