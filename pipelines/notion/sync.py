"""One raw table per configured database: what to read this run, and what vanished.

Per data source the resource state keeps
  cursor       the latest last_edited_time read,
  boundary     {page id: [last_edited_time, row digest]} of pages edited within the
               overlap window before the cursor,
  fingerprint  a digest of the property schema (ids, types, options; not names),
  live         ids of the pages loaded and not deleted.
A run reads the pages edited on or after `cursor - overlap` (timestamps are whole minutes,
so an edit in the minute of the last read keeps its timestamp), loads those whose content
differs from the boundary digest, and advances the cursor to the newest edit read (never
to the clock, and whatever order the results come in). A first run, or a schema change
(values may change without an edit: options, formulas), reads the data source whole.
Deletions (Notion has no deletion feed), per data source read incrementally:
  trashed      ids in its trash at the last check.
Every run lists the trash (a query with `in_trash` true: one request per 100 trashed
pages, whatever the number of live ones): pages loaded before that are in it load as
deleted with their values; pages that left it since the last check are read by id and
load again when restored. At most once per `deletion_scan_interval_hours` (the table's
`full_scan_at` in the state) an id scan (the query restricted to the title property,
ceil(pages / 100) requests) lists the live pages: ids loaded before, or read this run,
that are missing from it are read by id: trashed pages load as deleted with their
values, pages no longer shared (404) or moved away load as a bare `is_deleted` row.
Scanned ids unknown to the state (shared again, moved in) are read by id and loaded.
Between scans an unshared page stays live in the warehouse. Nothing is written to the
state until the whole table has been read, so a failed run leaves the previous cursor in place.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from notion_client.helpers import extract_notion_id

from pipelines.core import cadence
from pipelines.core.settings import SettingError
from pipelines.core.timestamps import parse_timestamp

from . import settings
from .client import DATABASES_SETTING, NotionClient, NotionRequestFailed, notion_time
from .columns import ColumnMap
from .values import check_page, is_trashed, page_row, row_digest, tombstone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncOptions:
    overlap_minutes: int = settings.OVERLAP_MINUTES
    detect_deletions: bool = True
    page_size: int = settings.PAGE_SIZE
    deletion_scan_interval_hours: float = settings.DELETION_SCAN_INTERVAL_HOURS


def configured_tables(databases: Any) -> dict[str, str]:
    """`sources.notion.databases` as {table: id}, ids taken from ids or Notion URLs."""
    if not isinstance(databases, dict) or not databases:
        raise SettingError(
            DATABASES_SETTING,
            "no Notion databases configured (expected a JSON object: table name -> id)",
            secret=False,
            hint='Example: {"daily_habits": "<database id or URL>"}.',
        )
    tables = {}
    for table, value in databases.items():
        notion_id = extract_notion_id(str(value)) if value else None
        if not str(table).strip() or notion_id is None:
            raise SettingError(
                DATABASES_SETTING,
                f"table {table!r}: {value!r} is not a Notion database id or URL",
                secret=False,
                hint="Copy the database link in Notion (Share -> Copy link) or its 32-character id.",
            )
        tables[str(table)] = notion_id
    return tables


def resolve_data_sources(client: NotionClient, table: str, notion_id: str) -> list[dict[str, Any]]:
    """A database id -> the schemas of all its data sources; a data source id -> its own."""
    database = client.database(notion_id)
    if database is not None:
        sources = []
        for listed in database.get("data_sources", []):
            schema = client.data_source(listed["id"])
            if schema is None:
                log.warning("%s: data source %s is not shared; skipped", table, listed["id"])
                continue
            sources.append(schema)
        if sources:
            return sources
        raise SettingError(
            DATABASES_SETTING,
            f"table {table!r}: database {notion_id} has no data source shared with the integration",
            secret=False,
            hint="Share the database's data sources with the integration (database menu -> "
            "Connections).",
        )
    schema = client.data_source(notion_id)
    if schema is not None:
        return [schema]
    raise SettingError(
        DATABASES_SETTING,
        f"table {table!r}: no Notion database or data source {notion_id} is shared with the "
        "integration",
        secret=False,
        hint="Check the id, and share the database with the integration (database menu -> "
        "Connections).",
    )


def schema_fingerprint(data_source: dict[str, Any]) -> str:
    """What in a schema can change values without an edit: ids, types, options, formulas."""
    shape = sorted(
        (unquote(prop["id"]), prop["type"], _without_names(prop.get(prop["type"])))
        for prop in data_source.get("properties", {}).values()
    )
    payload = json.dumps(shape, sort_keys=True, default=str)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def canonical_id(notion_id: str) -> str:
    """Notion ids compare equal with or without dashes, in any case."""
    return notion_id.replace("-", "").lower()


class TableSync:
    """Reads one table's changes and deletions; updates its state only when done."""

    def __init__(
        self,
        client: NotionClient,
        table: str,
        data_sources: list[dict[str, Any]],
        options: SyncOptions,
        state: dict[str, Any],
        column_state: dict[str, Any],
    ) -> None:
        self.client = client
        self.table = table
        self.data_sources = {ds["id"]: ds for ds in data_sources}
        self.options = options
        self.state = state
        self.columns = ColumnMap(table, column_state)
        self.overlap = timedelta(minutes=max(0, options.overlap_minutes))
        self._trashed: dict[str, set[str]] = {}  # data source -> ids in its trash now
        self._by_id = {canonical_id(source_id): source_id for source_id in self.data_sources}
        self._by_database: dict[str, list[str]] = {}
        for ds in data_sources:
            database_id = (ds.get("parent") or {}).get("database_id")
            if database_id:
                self._by_database.setdefault(canonical_id(database_id), []).append(ds["id"])

    @property
    def first_load(self) -> bool:
        return not self.state.get("data_sources")

    def run(self) -> list[dict[str, Any]]:
        """Rows to merge this run (changed, new, deleted pages); raises before any is emitted."""
        for schema in self.data_sources.values():
            self.columns.register(schema)
        previous: dict[str, Any] = self.state.get("data_sources", {})
        rows: dict[str, dict[str, Any]] = {}
        new_state: dict[str, dict[str, Any]] = {}
        live: dict[str, set[str]] = {}
        read: dict[str, set[str]] = {}
        whole: set[str] = set()  # data sources read whole this run (first load, new schema)
        for source_id, schema in self.data_sources.items():
            before = previous.get(source_id, {})
            entry, alive, read[source_id], full = self._read_source(schema, before, rows)
            if full:
                whole.add(source_id)
                live[source_id] = alive
            else:
                live[source_id] = (set(before.get("live", [])) - read[source_id]) | alive
            new_state[source_id] = entry
        deleted = recovered = 0
        scanned = False
        if self.options.detect_deletions:
            deleted, recovered, scanned = self._deletions(previous, live, read, whole, rows)
            for source_id, entry in new_state.items():
                entry["trashed"] = sorted(
                    self._trashed.get(source_id)
                    if source_id in self._trashed
                    else set((previous.get(source_id) or {}).get("trashed", [])) - live[source_id]
                )
            if scanned or whole == set(self.data_sources):
                self.state["full_scan_at"] = cadence.stamp()
        for source_id, entry in new_state.items():
            entry["live"] = sorted(live[source_id])
        self.state["data_sources"] = new_state
        log.info(
            "%s: %d row(s) to load from %d data source(s); %d deleted, %d recovered%s",
            self.table,
            len(rows),
            len(self.data_sources),
            deleted,
            recovered,
            " (full id scan)" if scanned else "",
        )
        return list(rows.values())

    def source_of(self, page: dict[str, Any]) -> str | None:
        """The configured data source a page read by id belongs to; None if none of them.

        The parent names the data source (API 2025-09-03); a parent naming only the
        database is matched through it when that database has one configured data source.
        """
        parent = check_page(page, self.table).get("parent", dict) or {}
        if parent.get("data_source_id"):
            return self._by_id.get(canonical_id(parent["data_source_id"]))
        candidates = self._by_database.get(canonical_id(parent.get("database_id") or ""), [])
        return candidates[0] if len(candidates) == 1 else None

    # -- changed pages ---------------------------------------------------------------
    def _read_source(
        self, schema: dict[str, Any], previous: dict[str, Any], rows: dict[str, dict[str, Any]]
    ) -> tuple[dict[str, Any], set[str], set[str], bool]:
        """Read the pages edited since the cursor into `rows`: (state entry, ids read live,
        ids read, whether the data source was read whole).

        Pages become rows as they arrive (no page objects are kept). A page read twice (a
        query continued past the result limit, or edited mid-read) keeps its later copy.
        """
        source_id = schema["id"]
        fingerprint = schema_fingerprint(schema)
        full = (
            not previous.get("cursor")
            or previous.get("fingerprint") != fingerprint
            or (self.options.detect_deletions and "live" not in previous)
        )
        cursor = None if full else parse_timestamp(previous["cursor"])
        boundary = {} if full else previous.get("boundary", {})
        seen: dict[str, list[str]] = {}
        alive: set[str] = set()
        for page in self.client.query_pages(
            source_id,
            since=None if cursor is None else cursor - self.overlap,
            page_size=self.options.page_size,
        ):
            row = self._row(page, source_id)  # checks the page: id, last_edited_time, ...
            page_id = row["id"]
            digest = row_digest(row)
            if (boundary.get(page_id) or [None, None])[1] != digest:
                rows[page_id] = row
            else:  # unchanged since the last load (its earlier copy this run may differ)
                rows.pop(page_id, None)
            seen[page_id] = [page["last_edited_time"], digest]
            if is_trashed(page):  # only where a query returns trashed pages
                alive.discard(page_id)
            else:
                alive.add(page_id)
            edited = row["last_edited_time"]
            cursor = edited if cursor is None else max(cursor, edited)
        entry: dict[str, Any] = {"fingerprint": fingerprint, "boundary": {}}
        if cursor is not None:
            entry["cursor"] = notion_time(cursor)
            cutoff = cursor - self.overlap
            entry["boundary"] = {
                pid: value for pid, value in seen.items() if parse_timestamp(value[0]) >= cutoff
            }
        return entry, alive, set(seen), full

    # -- deletions ---------------------------------------------------------------------
    def _deletions(
        self,
        previous: dict[str, Any],
        live: dict[str, set[str]],
        read: dict[str, set[str]],
        whole: set[str],
        rows: dict[str, dict[str, Any]],
    ) -> tuple[int, int, bool]:
        """Flag trashed pages, bring back restored ones and, when the scan is due, find the
        pages that vanished otherwise: (deleted, recovered, whether ids were scanned).

        Notion has no deletion feed. The trash is cheap to read: a data source query with
        `in_trash` true returns only the pages in the trash (the parameter filters by
        trash status; see NotionClient.query_pages), one request per 100 of them, whatever
        the size of the data source. Should it ever return live pages too, they are left
        out here (only the cost would grow). Nothing is assumed about last_edited_time:
        whether trashing a page moves it is not documented, so the trash is listed whole
        rather than filtered on it. A page that is no longer shared with the integration,
        was moved to another database or was deleted for good from the trash shows in no
        listing at all: only the full id scan finds it, at most once per
        `deletion_scan_interval_hours`.
        """
        incremental = [s for s in self.data_sources if s not in whole]
        trash = {s: self._list_trash(s) for s in incremental}
        self._trashed = {s: set(pages) for s, pages in trash.items()}
        deleted = self._flag_trashed(previous, live, read, trash, rows)
        recovered = self._restore(previous, live, read, trash, rows)
        scanned = bool(incremental) and cadence.is_due(
            self.state.get("full_scan_at"), self.options.deletion_scan_interval_hours
        )
        if scanned:
            listed = {s: self._scan_ids(self.data_sources[s]) for s in incremental}
            for source_id, ids in listed.items():
                live[source_id] = ids - self._trashed[source_id]
            deleted += self._flag_vanished(previous, live, read, rows)
            recovered += self._load_unknown(previous, live, read, rows)
        return deleted, recovered, scanned

    def _list_trash(self, source_id: str) -> dict[str, dict[str, Any]]:
        """{page id: page} of the data source's pages in the trash (whole pages: a page
        to flag is loaded with its values, without another request)."""
        return {
            check_page(page, self.table).key("id"): page
            for page in self.client.query_pages(
                source_id, in_trash=True, page_size=self.options.page_size
            )
            if is_trashed(page)  # should the API ever return live pages as well
        }

    def _flag_trashed(
        self,
        previous: dict[str, Any],
        live: dict[str, set[str]],
        read: dict[str, set[str]],
        trash: dict[str, dict[str, dict[str, Any]]],
        rows: dict[str, dict[str, Any]],
    ) -> int:
        """Pages loaded before (or read now) that are in the trash: kept with their values."""
        known = set().union(*(set(entry.get("live", [])) for entry in previous.values()))
        known |= set().union(*read.values())
        deleted = 0
        for source_id, pages in trash.items():
            for page_id, page in pages.items():
                if page_id not in known or rows.get(page_id, {}).get("is_deleted"):
                    continue
                rows[page_id] = self._row(page, source_id, is_deleted=True)
                for ids in live.values():
                    ids.discard(page_id)
                deleted += 1
        return deleted

    def _restore(
        self,
        previous: dict[str, Any],
        live: dict[str, set[str]],
        read: dict[str, set[str]],
        trash: dict[str, dict[str, dict[str, Any]]],
        rows: dict[str, dict[str, Any]],
    ) -> int:
        """Pages that were in the trash at the last check and are no longer: read by id.

        A restored page loads as live again; one deleted for good or unshared (404) was
        flagged when it went to the trash and is only forgotten."""
        seen_now = set().union(*read.values())
        recovered = 0
        for source_id, pages in trash.items():
            before = set((previous.get(source_id) or {}).get("trashed", []))
            for page_id in sorted(before - set(pages) - seen_now):
                page = self.client.page(page_id)
                target = self.source_of(page) if page is not None else None
                if page is None or target is None or is_trashed(page):
                    continue
                rows[page_id] = self._row(page, target)
                live[target].add(page_id)
                recovered += 1
        return recovered

    def _scan_ids(self, schema: dict[str, Any]) -> set[str]:
        """Ids of every live page; only the title property is sent back, to keep it light."""
        title_id = next(
            (p["id"] for p in schema.get("properties", {}).values() if p["type"] == "title"),
            "title",
        )
        try:
            return self._listed_ids(schema["id"], [title_id])
        except NotionRequestFailed as error:
            if error.status != 400:
                raise
            log.warning("%s: filter_properties refused; scanning whole pages", self.table)
            return self._listed_ids(schema["id"], None)

    def _listed_ids(self, source_id: str, filter_properties: list[str] | None) -> set[str]:
        return {
            check_page(page, self.table).key("id")
            for page in self.client.query_pages(
                source_id,
                by="created_time",
                filter_properties=filter_properties,
                page_size=self.options.page_size,
            )
            if not is_trashed(page)
        }

    def _flag_vanished(
        self,
        previous: dict[str, Any],
        live: dict[str, set[str]],
        read: dict[str, set[str]],
        rows: dict[str, dict[str, Any]],
    ) -> int:
        """Pages loaded before or read now, in no listing any more: trashed elsewhere (kept
        with values) or gone (bare row). A page read now may have vanished since."""
        before = set().union(*(set(entry.get("live", [])) for entry in previous.values()))
        before |= set().union(*read.values())
        now = set().union(*live.values())
        deleted = 0
        for page_id in sorted(before - now):
            if rows.get(page_id, {}).get("is_deleted"):  # flagged from the trash already
                continue
            page = self.client.page(page_id)
            source_id = self.source_of(page) if page is not None else None
            if page is None or source_id is None:
                rows[page_id] = tombstone(page_id)
            elif is_trashed(page):
                rows[page_id] = self._row(page, source_id, is_deleted=True)
            else:  # listed again meanwhile: still live
                rows[page_id] = self._row(page, source_id)
                live[source_id].add(page_id)
                continue
            deleted += 1
        return deleted

    def _load_unknown(
        self,
        previous: dict[str, Any],
        live: dict[str, set[str]],
        read: dict[str, set[str]],
        rows: dict[str, dict[str, Any]],
    ) -> int:
        """Listed pages this table never loaded nor read now (restored from the trash
        before any check saw them there, shared again, moved in)."""
        recovered = 0
        for source_id, ids in live.items():
            if source_id not in self._trashed:  # read whole this run: nothing unknown
                continue
            known = set((previous.get(source_id) or {}).get("live", [])) | read[source_id]
            for page_id in sorted(ids - known - set(rows)):
                page = self.client.page(page_id)
                if page is None or self.source_of(page) != source_id or is_trashed(page):
                    ids.discard(page_id)
                    continue
                rows[page_id] = self._row(page, source_id)
                recovered += 1
        return recovered

    # -- rows ------------------------------------------------------------------------------
    def _row(
        self, page: dict[str, Any], source_id: str, *, is_deleted: bool = False
    ) -> dict[str, Any]:
        check_page(page, self.table)
        complete = self._complete(page, source_id)
        return page_row(complete, source_id, self.columns, is_deleted=is_deleted)

    def _complete(self, page: dict[str, Any], source_id: str) -> dict[str, Any]:
        """Fetch the full value of lists cut at 25 references, and rollups computed over them."""
        schema = self.data_sources.get(source_id, {})
        by_id = {unquote(p["id"]): p for p in schema.get("properties", {}).values()}
        properties = dict(page.get("properties") or {})
        cut_relations: set[str] = set()
        for name, value in properties.items():
            if _is_truncated(value):
                items, _ = self.client.property_items(page["id"], value["id"])
                kind = value["type"]
                properties[name] = {
                    **value,
                    kind: [item[kind] for item in items],
                    "has_more": False,
                }
                if kind == "relation":
                    cut_relations.add(unquote(value["id"]))
        for name, value in properties.items():
            config = (by_id.get(unquote(value["id"])) or {}).get("rollup") or {}
            if (
                value["type"] == "rollup"
                and unquote(config.get("relation_property_id", "")) in cut_relations
            ):
                properties[name] = {**value, "rollup": self._full_rollup(page["id"], value)}
        return {**page, "properties": properties}

    def _full_rollup(self, page_id: str, value: dict[str, Any]) -> dict[str, Any]:
        items, summary = self.client.property_items(page_id, value["id"])
        rollup = dict(summary.get("rollup") or value.get("rollup") or {})
        if rollup.get("type") == "array":
            rollup["array"] = [
                {"type": item["type"], item["type"]: item.get(item["type"])} for item in items
            ]
        return rollup


def _is_truncated(value: dict[str, Any]) -> bool:
    kind = value.get("type")
    if kind not in settings.TRUNCATED_TYPES:
        return False
    if "has_more" in value:
        return bool(value["has_more"])
    return len(value.get(kind) or []) >= settings.REFERENCE_LIMIT


def _without_names(config: Any) -> Any:
    """Schema config minus display names (a rename must not look like a schema change)."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if not k.endswith("_name")}
    if isinstance(config, list):
        return [_without_names(v) for v in config]
    return config
