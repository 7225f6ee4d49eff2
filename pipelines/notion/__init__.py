"""Notion habit trackers (API 2025-09-03): one raw table per configured database.

Each configured id (a database, or one of its data sources) is resolved to its data
sources; their pages load as flat, typed rows (see values.py), merged on the page id.
Runs are incremental on last_edited_time with an overlap window, columns follow property
ids through renames, and trashed or unshared pages are kept with `is_deleted = true`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.core.retry import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_SECONDS, RetryPolicy

from . import settings
from .client import NotionClient
from .sync import SyncOptions, TableSync, configured_tables, resolve_data_sources


@dlt.source(name="notion", section="notion", max_table_nesting=0)
def notion_databases(
    databases: dict[str, str] = dlt.config.value,
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    overlap_minutes: int = settings.OVERLAP_MINUTES,
    detect_deletions: bool = True,
    deletion_scan_interval_hours: float = settings.DELETION_SCAN_INTERVAL_HOURS,
    page_size: int = settings.PAGE_SIZE,
    max_attempts: int = DEFAULT_ATTEMPTS,
    retry_backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    request_timeout_seconds: float = settings.REQUEST_TIMEOUT_SECONDS,
) -> Iterator[DltResource]:
    """One merge resource per entry of `databases` (raw table name -> database id or URL).

    The databases are resolved here, so a wrong token or an unshared database fails the
    run at once with a settings error. Every argument is a setting under [sources.notion]
    (or SOURCES__NOTION__<NAME>):

    Args:
        databases: raw table name -> Notion database id, data source id or link.
        api_key: the internal integration token (a secret).
        base_url: API root; the sandbox's carries a path prefix.
        overlap_minutes: how far before the cursor each run re-reads (whole-minute stamps).
        detect_deletions: flag trashed and unshared pages (the trash is listed every
            run, one request per 100 trashed pages).
        deletion_scan_interval_hours: how often at most the live page ids are listed
            (one request per 100 pages) to find pages no longer shared, moved or deleted
            for good; 0 scans every run. Between scans those stay live in the warehouse.
        page_size: results per request (Notion's maximum, 100, by default).
        max_attempts: tries per request on 429, 5xx and dropped connections.
        retry_backoff_seconds: first wait when Notion sends no Retry-After; doubles.
        request_timeout_seconds: how long one request may take (connect, each read);
            a request that times out is retried like a dropped connection.
    """
    tables = configured_tables(databases)
    client = NotionClient(
        api_key,
        base_url,
        retry=RetryPolicy(max_attempts, retry_backoff_seconds),
        timeout_seconds=request_timeout_seconds,
    )
    options = SyncOptions(
        overlap_minutes=overlap_minutes,
        detect_deletions=detect_deletions,
        deletion_scan_interval_hours=deletion_scan_interval_hours,
        page_size=max(1, min(page_size, settings.PAGE_SIZE)),
    )
    for table, notion_id in tables.items():
        data_sources = resolve_data_sources(client, table, notion_id)
        yield dlt.resource(
            database_pages,
            name=table,
            write_disposition="merge",
            primary_key="id",
            columns=settings.CONTRACT_COLUMNS,
        )(client, table, data_sources, options)


def database_pages(
    client: NotionClient,
    table: str,
    data_sources: list[dict[str, Any]],
    options: SyncOptions,
) -> Iterator[Any]:
    """The pages of one database that changed since the last run, and the ones deleted."""
    column_state = dlt.current.source_state().setdefault("columns", {}).setdefault(table, {})
    sync = TableSync(
        client, table, data_sources, options, dlt.current.resource_state(), column_state
    )
    first_load = sync.first_load
    rows = sync.run()
    if rows or first_load:
        hints = dlt.mark.make_hints(columns=sync.columns.hints())
        yield dlt.mark.with_hints(rows or dlt.mark.materialize_table_schema(), hints)
