"""The Notion workspace the sandbox serves: users, databases, data sources and pages.

Tests and the demo change it through the methods of `NotionStore` (edit a page, add one,
trash or restore it, rename, add or retype a property, set a relation, add a data source).
Every change stamps the pages it touches with the sandbox clock in whole minutes, as
Notion does, so incremental loads can be tested against controlled time.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from .model import (
    COMPUTED_TYPES,
    OPTION_COLORS,
    Database,
    DataSource,
    Formula,
    Page,
    Property,
    User,
    canonical_id,
    minute,
)
from .values import coerce, convert, empty_value

_PROPERTY_ID_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<>;:[]{}=?@^`~|"
)


class NotionStore:
    """In-memory workspace. Read by the API handlers, changed by tests through methods."""

    def __init__(self, clock: Any, seed: int) -> None:
        self.clock = clock
        self._ids = random.Random(f"notion-ids-{seed}")
        self.users: dict[str, User] = {}
        self.databases: dict[str, Database] = {}
        self.data_sources: dict[str, DataSource] = {}
        self.pages: dict[str, Page] = {}
        self.bot = self.add_user("Habits sync", kind="bot")
        self.owner = self.bot  # replaced by the sample data's first person
        self.workspace_page_id = self.new_id()

    # -- ids and time ---------------------------------------------------------------
    def new_id(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def new_property_id(self, source: DataSource | None = None) -> str:
        taken = {unquote(p.id) for p in source.properties.values()} if source else set()
        while True:
            raw = "".join(self._ids.choice(_PROPERTY_ID_ALPHABET) for _ in range(4))
            if raw not in taken and raw != "title":
                return quote(raw, safe="")

    def now(self) -> datetime:
        return minute(self.clock.now())

    # -- lookups --------------------------------------------------------------------
    def database(self, key: str) -> Database:
        """A database by id or title."""
        return self._lookup(self.databases, key, "title", "database")

    def data_source(self, key: str | DataSource) -> DataSource:
        """A data source by id or name (or the object itself)."""
        if isinstance(key, DataSource):
            return key
        return self._lookup(self.data_sources, key, "name", "data source")

    def page(self, page_id: str) -> Page:
        wanted = canonical_id(page_id)
        for page in self.pages.values():
            if canonical_id(page.id) == wanted:
                return page
        raise KeyError(f"no page {page_id}")

    def pages_of(self, source: str | DataSource, *, include_trashed: bool = False) -> list[Page]:
        """Pages of a data source in creation order."""
        source_id = self.data_source(source).id
        found = [
            p
            for p in self.pages.values()
            if p.data_source_id == source_id and (include_trashed or not p.in_trash)
        ]
        return sorted(found, key=lambda p: (p.created_time, p.id))

    def page_titled(self, source: str | DataSource, title: str) -> Page:
        """A page by its title, e.g. page_titled("Daily Habits", "Mon 2026-03-02")."""
        ds = self.data_source(source)
        title_id = ds.title_property().id
        return next(
            p for p in self.pages_of(ds, include_trashed=True) if p.values[title_id] == title
        )

    def _lookup(self, table: dict[str, Any], key: str, attribute: str, kind: str) -> Any:
        wanted = canonical_id(key)
        for item in table.values():
            if canonical_id(item.id) == wanted or getattr(item, attribute) == key:
                return item
        raise KeyError(f"no {kind} {key!r}")

    # -- building -------------------------------------------------------------------
    def add_user(self, name: str, email: str | None = None, *, kind: str = "person") -> User:
        user = User(self.new_id(), name, email, kind)
        self.users[user.id] = user
        return user

    def add_database(
        self,
        title: str,
        properties: dict[str, str | tuple[str, dict[str, Any]]],
        *,
        source_name: str | None = None,
        at: datetime | None = None,
    ) -> Database:
        """A database with one data source; `properties` maps name -> type or (type, config)."""
        moment = at or self.clock.now()
        database = Database(self.new_id(), title, self.workspace_page_id, moment, moment)
        self.databases[database.id] = database
        self.add_data_source(database, source_name or title, properties, at=moment)
        return database

    def add_data_source(
        self,
        database: str | Database,
        name: str,
        properties: dict[str, str | tuple[str, dict[str, Any]]] | None = None,
        *,
        at: datetime | None = None,
    ) -> DataSource:
        """Add a data source to a database (Notion 2025-09-03: databases hold several).

        Without `properties` it copies the schema of the database's first data source
        (same property names and types, new property ids; relations keep their target).
        """
        db = database if isinstance(database, Database) else self.database(database)
        moment = at or self.clock.now()
        source = DataSource(self.new_id(), db.id, name, moment, moment)
        if properties is None and db.data_source_ids:
            first = self.data_sources[db.data_source_ids[0]]
            properties = {p.name: (p.type, _copy_config(p)) for p in first.properties.values()}
        properties = properties or {"Name": "title"}
        if not any(_type_of(spec) == "title" for spec in properties.values()):
            properties = {"Name": "title", **properties}
        self.data_sources[source.id] = source
        db.data_source_ids.append(source.id)
        for prop_name, spec in properties.items():
            prop_type, config = (spec, {}) if isinstance(spec, str) else spec
            self._attach_property(source, prop_name, prop_type, dict(config))
        return source

    def add_page(
        self,
        source: str | DataSource,
        values: dict[str, Any] | None = None,
        *,
        created_by: User | None = None,
        at: datetime | None = None,
    ) -> Page:
        """A new page; `values` maps property names (or ids) to plain Python values."""
        ds = self.data_source(source)
        moment = minute(at) if at else self.now()
        author = (created_by or self.owner).id
        page = Page(self.new_id(), ds.id, moment, moment, author, author)
        for prop in ds.properties.values():
            page.values[prop.id] = empty_value(prop.type)
            if prop.type == "unique_id":
                ds.unique_counter += 1
                page.values[prop.id] = ds.unique_counter
        self.pages[page.id] = page
        if values:
            self._write_values(page, values, moment, author)
        return page

    # -- page changes ---------------------------------------------------------------
    def edit_page(self, page_id: str, values: dict[str, Any], *, by: User | None = None) -> Page:
        """Set property values by name (or id), as a person editing the page would."""
        page = self.page(page_id)
        editor = (by or self.owner).id
        moment = self.now()
        self._write_values(page, values, moment, editor)
        self._touch(page, moment, editor)
        return page

    def set_relation(self, page_id: str, prop_name: str, related_ids: Iterable[str]) -> Page:
        """Point a relation at exactly these pages (any number, also beyond 25)."""
        return self.edit_page(page_id, {prop_name: list(related_ids)})

    def trash_page(self, page_id: str) -> Page:
        """Move a page to the trash (queries stop returning it; it stays readable by id)."""
        page = self.page(page_id)
        page.in_trash = True
        return page

    def restore_page(self, page_id: str) -> Page:
        page = self.page(page_id)
        page.in_trash = False
        return page

    def unshare_page(self, page_id: str) -> Page:
        """The integration loses access: the page disappears from every endpoint (404)."""
        page = self.page(page_id)
        page.shared = False
        return page

    # -- schema changes -------------------------------------------------------------
    def rename_property(self, source: str | DataSource, old_name: str, new_name: str) -> Property:
        """Rename keeps the property id, as in Notion."""
        ds = self.data_source(source)
        prop = ds.find(old_name)
        prop.name = new_name
        for other in ds.properties.values():
            config = other.config
            if config.get("relation_property_id") == prop.id:
                config["relation_property_name"] = new_name
            if config.get("rollup_property_id") == prop.id:
                config["rollup_property_name"] = new_name
        self._schema_edited(ds)
        return prop

    def add_property(
        self,
        source: str | DataSource,
        name: str,
        prop_type: str,
        config: dict[str, Any] | None = None,
        *,
        evaluate: Formula | None = None,
    ) -> Property:
        """A new property; existing pages get its empty value (their edit time is kept)."""
        ds = self.data_source(source)
        prop = self._attach_property(ds, name, prop_type, dict(config or {}), evaluate)
        for page in self.pages_of(ds, include_trashed=True):
            page.values[prop.id] = empty_value(prop_type)
            if prop_type == "unique_id":
                ds.unique_counter += 1
                page.values[prop.id] = ds.unique_counter
        self._schema_edited(ds)
        return prop

    def change_property_type(
        self,
        source: str | DataSource,
        name: str,
        new_type: str,
        config: dict[str, Any] | None = None,
        *,
        evaluate: Formula | None = None,
    ) -> Property:
        """Change a property's type in place (same id); values convert as Notion converts them."""
        ds = self.data_source(source)
        prop = ds.find(name)
        old_type = prop.type
        for page in self.pages_of(ds, include_trashed=True):
            page.values[prop.id] = convert(page.values.get(prop.id), old_type, new_type)
        prop.type = new_type
        prop.config = dict(config or {})
        prop.evaluate = evaluate
        if new_type in ("select", "multi_select", "status"):
            prop.config.setdefault("options", [])
            for page in self.pages_of(ds, include_trashed=True):
                value = page.values[prop.id]
                for option in value if isinstance(value, list) else [value]:
                    if option:
                        self._ensure_option(prop, option)
        self._schema_edited(ds)
        return prop

    # -- computed values ------------------------------------------------------------
    def related_ids(self, page: Page, prop: Property, limit: int | None = None) -> list[str]:
        """Relation targets the integration can see, optionally cut at `limit` (Notion: 25)."""
        visible = [
            rid
            for rid in page.values.get(prop.id) or []
            if rid in self.pages and self.pages[rid].shared
        ]
        return visible if limit is None else visible[:limit]

    def formula_value(self, page: Page, prop: Property) -> tuple[str, Any]:
        if prop.evaluate is None:
            return "string", None
        return prop.evaluate(self, page)

    def plain_value(self, page: Page, prop: Property) -> Any:
        """The value a rollup or a sort sees: text, number, bool, date string or list."""
        if prop.type == "formula":
            return self.formula_value(page, prop)[1]
        if prop.type == "created_time":
            return page.created_time
        if prop.type == "last_edited_time":
            return page.last_edited_time
        if prop.type == "created_by":
            return page.created_by
        if prop.type == "last_edited_by":
            return page.last_edited_by
        if prop.type == "date":
            value = page.values.get(prop.id)
            return value["start"] if value else None
        return page.values.get(prop.id)

    # -- internals ------------------------------------------------------------------
    def _attach_property(
        self,
        ds: DataSource,
        name: str,
        prop_type: str,
        config: dict[str, Any],
        evaluate: Formula | None = None,
    ) -> Property:
        if any(p.name == name for p in ds.properties.values()):
            raise ValueError(f"property {name!r} already exists in {ds.name!r}")
        prop_id = "title" if prop_type == "title" else self.new_property_id(ds)
        prop = Property(prop_id, name, prop_type, config, evaluate)
        if prop_type in ("select", "multi_select", "status"):
            options = config.get("options", [])
            config["options"] = []
            for option in options:
                self._ensure_option(prop, option if isinstance(option, str) else option["name"])
        if prop_type == "number":
            config.setdefault("format", "number")
        if prop_type == "relation":
            self._link_relation(ds, prop)
        if prop_type == "rollup":
            relation = ds.find(config["relation_property_name"])
            config["relation_property_id"] = relation.id
            target = self.data_sources[relation.config["data_source_id"]]
            rolled = target.find(config["rollup_property_name"])
            config["rollup_property_id"] = rolled.id
        if prop_type == "unique_id":
            config.setdefault("prefix", None)
        ds.properties[prop.id] = prop
        return prop

    def _link_relation(self, ds: DataSource, prop: Property) -> None:
        """Relations name their target data source; a `synced_property_name` makes them dual."""
        config = prop.config
        target = self.data_source(config.pop("target", None) or config["data_source_id"])
        synced_name = config.pop("synced_property_name", None)
        config.update({"data_source_id": target.id, "database_id": target.database_id})
        if synced_name is None:
            config.update({"type": "single_property", "single_property": {}})
            return
        try:
            synced = target.find(synced_name)
        except KeyError:
            synced = None
        if synced is None:
            ds.properties[prop.id] = prop  # visible to the other side while it links back
            synced = self._attach_property(
                target,
                synced_name,
                "relation",
                {"target": ds.id, "synced_property_name": prop.name},
            )
        config.update(
            {
                "type": "dual_property",
                "dual_property": {
                    "synced_property_id": synced.id,
                    "synced_property_name": synced.name,
                },
            }
        )

    def _ensure_option(self, prop: Property, name: str) -> dict[str, Any]:
        options = prop.config.setdefault("options", [])
        for option in options:
            if option["name"] == name:
                return option
        option = {
            "id": self.new_id() if prop.type != "status" else self.new_property_id(),
            "name": name,
            "color": OPTION_COLORS[len(options) % len(OPTION_COLORS)],
            "description": None,
        }
        options.append(option)
        return option

    def _write_values(
        self, page: Page, values: dict[str, Any], moment: datetime, editor: str
    ) -> None:
        ds = self.data_sources[page.data_source_id]
        for key, value in values.items():
            prop = ds.find(key)
            if prop.type in COMPUTED_TYPES:
                raise ValueError(f"{prop.name} is a {prop.type} property and cannot be written")
            coerced = coerce(prop.type, value)
            if prop.type in ("select", "status") and coerced is not None:
                self._ensure_option(prop, coerced)
            if prop.type == "multi_select":
                for option in coerced:
                    self._ensure_option(prop, option)
            if prop.type == "relation":
                self._sync_dual(page, prop, coerced, moment, editor)
            page.values[prop.id] = coerced

    def _sync_dual(
        self, page: Page, prop: Property, new_ids: list[str], moment: datetime, editor: str
    ) -> None:
        """Keep the other side of a two-way relation in step, as Notion does."""
        dual = prop.config.get("dual_property")
        if not dual:
            return
        target_source = self.data_sources[prop.config["data_source_id"]]
        synced = target_source.find(dual["synced_property_id"])
        old_ids = set(page.values.get(prop.id) or [])
        for rid in old_ids.symmetric_difference(new_ids):
            other = self.pages.get(rid)
            if other is None:
                continue
            linked = list(other.values.get(synced.id) or [])
            if rid in new_ids and page.id not in linked:
                linked.append(page.id)
            elif rid not in new_ids and page.id in linked:
                linked.remove(page.id)
            other.values[synced.id] = linked
            self._touch(other, moment, editor)

    def _touch(self, page: Page, moment: datetime, editor: str) -> None:
        page.last_edited_time = max(page.last_edited_time, moment)
        page.last_edited_by = editor

    def _schema_edited(self, ds: DataSource) -> None:
        moment = self.clock.now()
        ds.last_edited_time = moment
        self.databases[ds.database_id].last_edited_time = moment


def _type_of(spec: str | tuple[str, dict[str, Any]]) -> str:
    return spec if isinstance(spec, str) else spec[0]


def _copy_config(prop: Property) -> dict[str, Any]:
    config = {k: v for k, v in prop.config.items() if k not in ("relation_property_id",)}
    if prop.type in ("select", "multi_select", "status"):
        config["options"] = [o["name"] for o in prop.config.get("options", [])]
    if prop.type == "relation":
        config = {"data_source_id": prop.config["data_source_id"]}
    return config
