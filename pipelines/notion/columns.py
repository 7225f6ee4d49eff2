"""Which column each Notion property fills, kept by property id so renames keep their column.

The map lives in dlt source state (it survives `--full-refresh`, which keeps the table
schema too): `{table: {"<data source id>/<property id>": {column, type, property_type,
name}}}`. A property is named once, when first seen (dlt's snake_case of its name); a
rename in Notion changes nothing here. A type change that would change the column's data
type stops the run before anything is loaded. A property type this pipeline does not know
(one Notion adds later) gets a JSON column holding its values as sent, and a warning.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote

from dlt.common.normalizers.naming.snake_case import NamingConvention
from dlt.common.schema.typing import TTableSchemaColumns

from . import settings

log = logging.getLogger(__name__)
_naming = NamingConvention()

DERIVED_SUFFIXES = ("_end", "_at", "_end_at")  # extra columns of date values
DATE_LIKE_TYPES = frozenset({"date", "formula", "rollup"})


class PropertyTypeChanged(Exception):
    """A property's new type would change the data type of its existing column."""

    def __init__(
        self,
        table: str,
        column: str,
        name: str,
        old: tuple[str, str],
        new: tuple[str, str],
    ) -> None:
        (old_property, old_type), (new_property, new_type) = old, new
        super().__init__(
            f"Notion property {name!r} of table {table!r} changed type from {old_property} "
            f"({old_type}) to {new_property} ({new_type}): its column {column!r} holds "
            f"{old_type} values and cannot take {new_type} ones. Nothing was loaded. Change the "
            f"property back in Notion, or add a new property for the new type (the old column "
            f"keeps its history)."
        )


def property_key(data_source_id: str, property_id: str) -> str:
    return f"{data_source_id}/{unquote(property_id)}"


def declared_type(prop: dict[str, Any]) -> str | None:
    """The column data type a schema property implies; None when only values tell."""
    kind = prop["type"]
    if kind == "rollup":
        function = (prop.get("rollup") or {}).get("function", "")
        return settings.ROLLUP_FUNCTION_TYPES.get(function)
    return settings.COLUMN_TYPES.get(kind, "json")


class ColumnMap:
    """Property -> column assignments of one table."""

    def __init__(self, table: str, entries: dict[str, dict[str, Any]]) -> None:
        self.table = table
        self._entries = entries  # the state dict itself: changes persist with the run

    def register(self, data_source: dict[str, Any]) -> None:
        """Take in a data source schema: new properties get a column, others are checked."""
        for name, prop in data_source.get("properties", {}).items():
            if prop["type"] in settings.SKIPPED_TYPES:
                continue
            if prop["type"] not in settings.COLUMN_TYPES:
                log.warning(
                    "Notion property %r of table %s has the type %r, which this pipeline does "
                    "not know: its values load as Notion sends them, as JSON",
                    name,
                    self.table,
                    prop["type"],
                )
            key = property_key(data_source["id"], prop["id"])
            new_type = declared_type(prop)
            entry = self._entries.get(key)
            if entry is None:
                column = self._allocate(name, prop["type"], new_type, data_source["id"])
                self._entries[key] = {
                    "column": column,
                    "type": new_type,
                    "property_type": prop["type"],
                    "name": name,
                }
                continue
            if new_type and entry["type"] and new_type != entry["type"]:
                raise PropertyTypeChanged(
                    self.table,
                    entry["column"],
                    name,
                    (entry["property_type"], entry["type"]),
                    (prop["type"], new_type),
                )
            entry.update(name=name, property_type=prop["type"])
            if new_type:
                entry["type"] = new_type

    def entry(self, data_source_id: str, property_id: str) -> dict[str, Any] | None:
        return self._entries.get(property_key(data_source_id, property_id))

    def observe(self, entry: dict[str, Any], value_type: str) -> None:
        """Formulas (and some rollups) reveal their data type only through values."""
        if entry["type"] is None:
            entry["type"] = value_type
        elif entry["type"] != value_type:
            raise PropertyTypeChanged(
                self.table,
                entry["column"],
                entry["name"],
                (entry["property_type"], entry["type"]),
                (entry["property_type"], value_type),
            )

    def hints(self) -> TTableSchemaColumns:
        """Column hints for every property whose data type is known."""
        columns: TTableSchemaColumns = {}
        for entry in self._entries.values():
            if entry["type"]:
                columns[entry["column"]] = {"data_type": entry["type"], "nullable": True}
        return columns

    def _allocate(
        self, name: str, property_type: str, data_type: str | None, data_source_id: str
    ) -> str:
        """snake_case of the name; property_<name> on contract names; _2, _3 on clashes.

        Data sources of one database that share a property name and type share a column.
        """
        base = _naming.normalize_identifier(name) or "property"
        if base in settings.RESERVED_COLUMNS or base.startswith("_dlt"):
            base = settings.RESERVED_PREFIX + base
        for entry in self._entries.values():
            if (
                entry["column"] == base
                and entry["type"] == data_type
                and not self._entry_in_source(entry, data_source_id)
            ):
                return base
        taken = self._taken_names()
        candidate, counter = base, 1
        while self._clashes(candidate, property_type, taken):
            counter += 1
            candidate = f"{base}_{counter}"
        return candidate

    def _entry_in_source(self, entry: dict[str, Any], data_source_id: str) -> bool:
        return any(
            key.startswith(data_source_id + "/") and value is entry
            for key, value in self._entries.items()
        )

    def _taken_names(self) -> set[str]:
        taken = set(settings.RESERVED_COLUMNS)
        for entry in self._entries.values():
            taken.add(entry["column"])
            if entry["property_type"] in DATE_LIKE_TYPES:
                taken.update(entry["column"] + suffix for suffix in DERIVED_SUFFIXES)
        return taken

    @staticmethod
    def _clashes(candidate: str, property_type: str, taken: set[str]) -> bool:
        names = {candidate}
        if property_type in DATE_LIKE_TYPES:
            names.update(candidate + suffix for suffix in DERIVED_SUFFIXES)
        return bool(names & taken) or candidate.startswith("_dlt")
