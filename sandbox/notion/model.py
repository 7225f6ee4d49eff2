"""The objects of the sandbox's Notion workspace: users, properties, data sources, pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

# Types whose value Notion computes; they cannot be written.
COMPUTED_TYPES = frozenset(
    {
        "formula",
        "rollup",
        "created_time",
        "created_by",
        "last_edited_time",
        "last_edited_by",
        "unique_id",
        "button",
    }
)
LIST_TYPES = frozenset({"multi_select", "people", "relation", "files"})
OPTION_COLORS = ("default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink")

# formula: (store, page) -> (result type, value); result type is string/number/boolean/date.
# The store is the NotionStore holding the page; typed Any because the model sits below it.
Formula = Callable[[Any, "Page"], tuple[str, Any]]


def minute(moment: datetime) -> datetime:
    """Notion stores page timestamps in whole minutes."""
    return moment.replace(second=0, microsecond=0)


def canonical_id(value: str) -> str:
    """Ids are accepted with or without dashes, in any case."""
    return value.replace("-", "").lower()


@dataclass
class User:
    id: str
    name: str
    email: str | None = None
    kind: str = "person"  # "person" or "bot"


@dataclass
class Property:
    id: str
    name: str
    type: str
    config: dict[str, Any] = field(default_factory=dict)
    evaluate: Formula | None = None  # formula properties only


@dataclass
class DataSource:
    id: str
    database_id: str
    name: str
    created_time: datetime
    last_edited_time: datetime
    properties: dict[str, Property] = field(default_factory=dict)  # by id, in display order
    unique_counter: int = 0

    def find(self, key: str) -> Property:
        """A property by id (encoded or not) or by name."""
        if key in self.properties:
            return self.properties[key]
        decoded = unquote(key)
        for prop in self.properties.values():
            if unquote(prop.id) == decoded or prop.name == key:
                return prop
        raise KeyError(f"{key} is not a property that exists.")

    def title_property(self) -> Property:
        return next(p for p in self.properties.values() if p.type == "title")


@dataclass
class Database:
    id: str
    title: str
    parent_page_id: str
    created_time: datetime
    last_edited_time: datetime
    data_source_ids: list[str] = field(default_factory=list)


@dataclass
class Page:
    id: str
    data_source_id: str
    created_time: datetime
    last_edited_time: datetime
    created_by: str
    last_edited_by: str
    values: dict[str, Any] = field(default_factory=dict)  # by property id
    in_trash: bool = False
    shared: bool = True  # False: the integration lost access (404 everywhere)
