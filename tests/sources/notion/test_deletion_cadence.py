"""Runs cost what changed: a constant no-change cost per database, deletions at a cadence.

Every run lists the trash (one request per data source while it holds under 100 pages);
the id scan that also finds pages no longer shared runs at most once per
`deletion_scan_interval_hours` (a day by default), kept in dlt state across runs.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipelines.core import cadence
from sandbox import Sandbox
from sandbox.notion import NotionStore
from sandbox.notion.sample import DAILY, WEEKLY
from tests.sources.notion.conftest import configure_tables, rows_by_id
from tests.utils import PipelineEnv

# per database: its schema reads (database, data source), the change query, the trash check
NO_CHANGE_PER_DATABASE = 4


def _later(monkeypatch: pytest.MonkeyPatch, hours: float) -> None:
    """Move this machine's clock (as the pipelines read it) `hours` ahead."""
    moment = cadence.utc_now() + timedelta(hours=hours)
    monkeypatch.setattr(cadence, "utc_now", lambda: moment)


def _no_change_requests(load, sandbox: Sandbox) -> int:
    sandbox.log.clear()
    assert load() == 0, load.output.err
    assert "no changes at the source" in load.output.out
    return sandbox.log.count("notion")


def test_a_run_without_changes_costs_the_same_whatever_the_number_of_pages(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0, load.output.err
    assert _no_change_requests(load, sandbox) == 2 * NO_CHANGE_PER_DATABASE

    sandbox.clock.advance(minutes=3)
    for number in range(1_000):  # four times the pages: ten more id-scan requests
        store.add_page(DAILY, {"Day": f"Imported day {number}", "Steps": number})
    assert load() == 0, load.output.err
    assert len(store.pages_of(DAILY)) > 1_300
    # pages edited within the overlap window before the cursor are read again (whole-minute
    # stamps): one later edit moves the window past the import
    sandbox.clock.advance(minutes=5)
    store.edit_page(store.pages_of(DAILY)[0].id, {"Steps": 1})
    assert load() == 0, load.output.err
    assert _no_change_requests(load, sandbox) == 2 * NO_CHANGE_PER_DATABASE


def test_one_database_costs_its_own_constant(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    configure_tables(monkeypatch, weekly_habits=store.data_source(WEEKLY).database_id)
    assert load() == 0, load.output.err
    assert _no_change_requests(load, sandbox) == NO_CHANGE_PER_DATABASE


def test_trashed_pages_are_caught_every_run_and_unshared_ones_at_the_scan(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    assert load() == 0, load.output.err
    pages = store.pages_of(DAILY)
    trashed, unshared = pages[10], pages[20]
    store.trash_page(trashed.id)
    store.unshare_page(unshared.id)

    sandbox.log.clear()
    assert load() == 0, load.output.err  # an hour later at most: no id scan yet
    rows = rows_by_id(notion_env, "daily_habits", "is_deleted, day")
    assert rows[trashed.id] == (True, trashed.values["title"])  # flagged, values kept
    assert rows[unshared.id][0] is False  # only the id scan can tell it is gone
    assert sandbox.log.count("notion") == 2 * NO_CHANGE_PER_DATABASE  # no read by id

    _later(monkeypatch, 23)
    assert _no_change_requests(load, sandbox) == 2 * NO_CHANGE_PER_DATABASE

    _later(monkeypatch, 2)  # 25 hours after the first load's listing: the scan is due
    sandbox.log.clear()
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "daily_habits", "is_deleted, day")[unshared.id] == (True, None)
    scans = [e for e in sandbox.log.entries("notion") if "filter_properties" in e.query]
    assert len(scans) == 4 + 1  # ceil(pages / 100) per data source
    reads_by_id = [e.path for e in sandbox.log.entries("notion") if e.path.startswith("/v1/pages/")]
    assert reads_by_id == [f"/v1/pages/{unshared.id}"]

    # the scan just ran: the next one is a day away again (its time survives in dlt state)
    assert _no_change_requests(load, sandbox) == 2 * NO_CHANGE_PER_DATABASE


def test_a_page_restored_from_the_trash_between_scans_comes_back(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0, load.output.err
    page = store.pages_of(WEEKLY)[3]
    store.trash_page(page.id)
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "weekly_habits", "is_deleted")[page.id] == (True,)

    store.restore_page(page.id)  # restoring does not change last_edited_time here
    sandbox.log.clear()
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "weekly_habits", "is_deleted")[page.id] == (False,)
    reads_by_id = [e.path for e in sandbox.log.entries("notion") if e.path.startswith("/v1/pages/")]
    assert reads_by_id == [f"/v1/pages/{page.id}"]
    assert _no_change_requests(load, sandbox) == 2 * NO_CHANGE_PER_DATABASE


def test_a_page_deleted_for_good_from_the_trash_keeps_its_flagged_row(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0, load.output.err
    page = store.pages_of(DAILY)[30]
    store.trash_page(page.id)
    assert load() == 0, load.output.err
    store.unshare_page(page.id)  # gone for good: no endpoint returns it any more
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "daily_habits", "is_deleted, day")[page.id] == (
        True,
        page.values["title"],
    )


def test_scanning_every_run_is_a_setting(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCES__NOTION__DELETION_SCAN_INTERVAL_HOURS", "0")
    assert load() == 0, load.output.err
    unshared = store.pages_of(WEEKLY)[5]
    store.unshare_page(unshared.id)
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "weekly_habits", "is_deleted")[unshared.id] == (True,)
