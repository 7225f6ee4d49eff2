"""Sync-token bookkeeping shared by the contacts and contact_groups resources.

The token lives in the resource's dlt state and is written only after the last page
has been yielded. dlt commits state with the load package it belongs to, so a run that
fails part-way keeps the previous token and the next run fetches the same changes again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import dlt
from dlt.destinations.exceptions import DatabaseUndefinedRelation

from .client import SyncTokenExpired

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listing:
    """One People API list synced into one raw table."""

    table: str
    items_key: str  # "connections" or "contactGroups"
    pages: Callable[[str | None], Iterator[dict]]  # sync token (or None) -> response pages
    to_row: Callable[[dict], dict]
    deleted_row: Callable[[str], dict]
    parameters: dict  # what the API requires to stay the same for a sync token

    @property
    def fingerprint(self) -> str:
        text = json.dumps(self.parameters, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def synchronise(listing: Listing, state: dict) -> Iterator[list[dict]]:
    """Yield rows page by page: changes since the stored token, else everything.

    A full sync (no token yet, the token expired, or the requested fields changed)
    also flags rows the warehouse holds as live but the source no longer has. Asking
    the warehouse, not the state, keeps this right even when the state was lost.
    """
    token = state.get("sync_token")
    if token and state.get("fingerprint") == listing.fingerprint:
        logger.info("%s: fetching changes since the stored sync token", listing.table)
        try:
            next_token = yield from _rows(listing, token, seen=None)
        except SyncTokenExpired as expired:
            logger.warning("%s: %s Running a full sync instead.", listing.table, expired)
        else:
            _remember(listing, state, next_token)
            return
    elif token:
        logger.warning("%s: the requested fields changed; running a full sync.", listing.table)
    logger.info("%s: full sync", listing.table)
    seen: set[str] = set()
    next_token = yield from _rows(listing, None, seen=seen)
    vanished = live_keys_in_destination(listing.table) - seen
    if vanished:
        logger.warning(
            "%s: %d rows missing from the full sync are flagged deleted",
            listing.table,
            len(vanished),
        )
        yield [listing.deleted_row(key) for key in sorted(vanished)]
    _remember(listing, state, next_token)


def _rows(listing: Listing, sync_token: str | None, *, seen: set[str] | None):
    next_token = None
    for page in listing.pages(sync_token):
        rows = [listing.to_row(item) for item in page.get(listing.items_key) or []]
        if seen is not None:
            seen.update(row["resource_name"] for row in rows)
        if rows:
            yield rows
        next_token = page.get("nextSyncToken") or next_token
    return next_token


def _remember(listing: Listing, state: dict, next_token: str | None) -> None:
    if not next_token:
        logger.warning(
            "%s: Google returned no sync token; the next run syncs fully.", listing.table
        )
    state["sync_token"] = next_token
    state["fingerprint"] = listing.fingerprint


def live_keys_in_destination(table: str) -> set[str]:
    """resource_name of the rows the warehouse holds as live; empty before the first load
    and when this run empties the table anyway (--full-refresh)."""
    package_state = dlt.current.load_package_state()["state"]
    emptied = package_state.get("truncated_tables", []) + package_state.get("dropped_tables", [])
    if any(t.get("name") == table for t in emptied):
        return set()
    pipeline = dlt.current.pipeline()
    if pipeline.destination is None:
        logger.warning("%s: no destination to compare with; deletions are not flagged", table)
        return set()
    with pipeline.sql_client() as client:
        qualified = client.make_qualified_table_name(table)
        key, flag = (
            client.escape_column_name("resource_name"),
            client.escape_column_name("is_deleted"),
        )
        try:
            rows = client.execute_sql(f"SELECT {key} FROM {qualified} WHERE {flag} = FALSE")
        except DatabaseUndefinedRelation:
            return set()
    return {row[0] for row in rows or []}
