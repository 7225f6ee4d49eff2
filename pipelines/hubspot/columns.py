"""HubSpot property definitions -> typed warehouse columns.

HubSpot sends every property value as a string. The definition's `type` and
`fieldType` say what it means: numbers, datetimes (epoch milliseconds or ISO 8601),
dates, booleans ('true'/'false'), single-choice enumerations, and multi-checkbox
enumerations (values joined with ';'). Empty strings are null for every non-text type.
A `type` this module does not know (one HubSpot adds later) is text, with a warning: the
value is a string like every other, so text keeps all of it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..core.timestamps import parse_timestamp
from .settings import ENGAGEMENT_COLUMNS

log = logging.getLogger(__name__)
Converter = Callable[[str], Any]
_EPOCH_MS = re.compile(r"-?\d{10,}")
# contract columns: a property of the same name is stored as `property_<name>`
RESERVED_COLUMNS = tuple(ENGAGEMENT_COLUMNS)
# property types HubSpot documents; the text ones are kept as sent
TEXT_TYPES = frozenset({"string", "enumeration", "phone_number", "object_coordinates", "json"})
KNOWN_TYPES = TEXT_TYPES | {"number", "datetime", "date", "bool"}


@dataclass(frozen=True)
class PropertyColumn:
    """One HubSpot property as one typed column."""

    name: str  # HubSpot property name
    column: str  # warehouse column name
    data_type: str  # dlt data type
    convert: Converter

    def value(self, raw: str | None) -> Any:
        if raw is None:
            return None
        if raw == "" and self.data_type != "text":
            return None
        try:
            return self.convert(raw)
        except ValueError:
            # keep what HubSpot sent; dlt stores it in a variant column rather than drop it
            log.warning("property %s: %r is not a valid %s", self.name, raw, self.data_type)
            return raw


def parse_datetime(raw: str) -> datetime:
    """Epoch milliseconds (HubSpot's own form) or ISO 8601; ValueError when neither."""
    text = raw.strip()
    if _EPOCH_MS.fullmatch(text):
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return parse_timestamp(text)


def parse_date(raw: str) -> date:
    text = raw.strip()
    if _EPOCH_MS.fullmatch(text):
        return datetime.fromtimestamp(int(text) / 1000, UTC).date()
    return date.fromisoformat(text[:10])


def parse_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ValueError(raw)


def parse_number(raw: str) -> float:
    return float(raw.strip())


def split_checkbox(raw: str) -> list[str]:
    return [part for part in raw.split(";") if part]


def _text(raw: str) -> str:
    return raw


def column_kind(definition: Mapping[str, Any]) -> tuple[str, Converter]:
    """The dlt data type and converter for a property definition."""
    kind = str(definition.get("type") or "string").lower()
    field_type = str(definition.get("fieldType") or definition.get("field_type") or "").lower()
    if kind == "number":
        return "double", parse_number
    if kind == "datetime":
        return "timestamp", parse_datetime
    if kind == "date":
        return "date", parse_date
    if kind == "bool" or field_type == "booleancheckbox":
        return "bool", parse_bool
    if kind == "enumeration" and field_type == "checkbox":
        return "json", split_checkbox
    return "text", _text  # string, enumeration, phone_number, object_coordinates, ...


def property_columns(
    definitions: Iterable[Mapping[str, Any]], reserved: Iterable[str], object_type: str = ""
) -> dict[str, PropertyColumn]:
    """Property name -> column; a name taken by a contract column gets a `property_` prefix."""
    taken = set(reserved)
    columns: dict[str, PropertyColumn] = {}
    for definition in definitions:
        name = str(definition["name"])
        kind = str(definition.get("type") or "string").lower()
        if kind not in KNOWN_TYPES:
            log.warning(
                "HubSpot %s property %r has the type %r, which this pipeline does not know: "
                "its values load as text, as sent",
                object_type or "object",
                name,
                kind,
            )
        data_type, convert = column_kind(definition)
        column = f"property_{name}" if name in taken else name
        columns[name] = PropertyColumn(name, column, data_type, convert)
    return columns


def merge_property_columns(
    per_type: Iterable[dict[str, PropertyColumn]],
) -> dict[str, PropertyColumn]:
    """One column set for several object types sharing a table (the engagements).

    A property whose type differs between object types becomes text, so no value is
    forced into a type it does not have.
    """
    merged: dict[str, PropertyColumn] = {}
    for columns in per_type:
        for name, column in columns.items():
            known = merged.get(name)
            if known is None:
                merged[name] = column
            elif known.data_type != column.data_type:
                merged[name] = PropertyColumn(name, column.column, "text", _text)
    return merged


def column_hints(columns: Iterable[PropertyColumn]) -> dict[str, dict[str, Any]]:
    return {c.column: {"data_type": c.data_type, "nullable": True} for c in columns}
