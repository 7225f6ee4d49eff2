"""Incremental runs: edits, new pages, trash and restore, same-minute edits, schema changes."""

from __future__ import annotations

import json

from sandbox import Sandbox
from sandbox.notion import NotionStore
from sandbox.notion.query import ValidationFailed
from sandbox.notion.sample import DAILY, WEEKLY
from tests.sources.notion.conftest import configure_tables, rows_by_id
from tests.utils import PipelineEnv


def test_edits_new_pages_trash_restore_and_unshare(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCES__NOTION__DELETION_SCAN_INTERVAL_HOURS", "0")  # scan every run
    assert load() == 0
    pages = store.pages_of(DAILY)
    edited, trashed, unshared = pages[100], pages[200], pages[300]
    sandbox.clock.advance(minutes=5)
    store.edit_page(edited.id, {"Workout": True, "Sleep hours": 9.25, "Tags": ["travel"]})
    added = store.add_page(DAILY, {"Day": "Extra day", "Meditated": True, "Mood": "Okay"})
    store.trash_page(trashed.id)
    store.unshare_page(unshared.id)
    sandbox.log.clear()

    assert load() == 0, load.output.err
    rows = rows_by_id(notion_env, "daily_habits", "workout, sleep_hours, tags, is_deleted, day")
    assert rows[edited.id][:4] == (True, 9.25, '["travel"]', False)
    assert rows[added.id][3:] == (False, "Extra day")
    assert rows[trashed.id][3] is True and rows[trashed.id][4] is not None  # values kept
    assert rows[unshared.id][3] is True and rows[unshared.id][4] is None  # nothing left to keep
    assert len(rows) == len(pages) + 1
    # the trashed page comes with its values from the trash listing; the unshared one is
    # missing from the id scan and read by id (404)
    reads_by_id = [e.path for e in sandbox.log.entries("notion") if e.path.startswith("/v1/pages/")]
    assert reads_by_id == [f"/v1/pages/{unshared.id}"]

    store.restore_page(trashed.id)
    assert load() == 0
    assert rows_by_id(notion_env, "daily_habits", "is_deleted")[trashed.id] == (False,)
    assert load() == 0 and "no changes at the source" in load.output.out


def test_an_edit_in_the_minute_of_the_last_read_is_not_missed(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0
    page = store.pages_of(DAILY)[42]
    sandbox.clock.advance(minutes=1)  # 09:01:12
    store.edit_page(page.id, {"Steps": 1000})
    assert load() == 0
    sandbox.clock.advance(seconds=30)  # 09:01:42: same minute, same last_edited_time
    store.edit_page(page.id, {"Steps": 2000})
    assert store.page(page.id).last_edited_time.isoformat() == "2026-11-02T09:01:00+00:00"
    assert load() == 0
    assert rows_by_id(notion_env, "daily_habits", "steps")[page.id] == (2000.0,)
    assert load() == 0 and "no changes at the source" in load.output.out


def test_renamed_property_keeps_its_column_and_a_new_one_adds_a_column(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0
    page = store.pages_of(DAILY)[10]
    store.rename_property(DAILY, "Sleep hours", "Sleep (h)")
    store.add_property(DAILY, "Water glasses", "number")
    sandbox.clock.advance(minutes=3)
    store.edit_page(page.id, {"Sleep (h)": 5.5, "Water glasses": 8})
    assert load() == 0, load.output.err
    columns = notion_env.columns("raw_notion", "daily_habits")
    assert columns["sleep_hours"] == "DOUBLE" and columns["water_glasses"] == "DOUBLE"
    assert "sleep_h" not in columns
    rows = rows_by_id(notion_env, "daily_habits", "sleep_hours, water_glasses")
    assert rows[page.id] == (5.5, 8.0)
    assert len(rows) == len(store.pages_of(DAILY))

    # a later property may not take the renamed one's column name
    store.add_property(DAILY, "Sleep hours", "rich_text")
    store.edit_page(page.id, {"Sleep hours": "restless"})
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "daily_habits", "sleep_hours, sleep_hours_2")[page.id] == (
        5.5,
        "restless",
    )


def test_a_type_change_that_changes_a_column_type_stops_before_writing(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0
    page = store.pages_of(DAILY)[20]
    before = rows_by_id(notion_env, "daily_habits", "mood, steps")[page.id]
    sandbox.clock.advance(minutes=2)
    store.edit_page(page.id, {"Mood": "Low"})
    store.change_property_type(DAILY, "Steps", "rich_text")
    assert load() == 1
    error = load.output.err
    assert "'daily_habits'" in error and "'steps'" in error
    assert "number" in error and "rich_text" in error and "double" in error
    assert rows_by_id(notion_env, "daily_habits", "mood, steps")[page.id] == before
    assert notion_env.columns("raw_notion", "daily_habits")["steps"] == "DOUBLE"

    # the failed run kept its state: with the type back, the edit still loads
    store.change_property_type(DAILY, "Steps", "number", {"format": "number"})
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "daily_habits", "mood, steps")[page.id] == ("Low", before[1])

    # a change within one column type (select -> status) loads into the same column
    store.change_property_type(DAILY, "Mood", "status")
    sandbox.clock.advance(minutes=2)
    store.edit_page(page.id, {"Mood": "Okay"})
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "daily_habits", "mood")[page.id] == ("Okay",)


def test_relations_beyond_25_are_loaded_complete(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0
    week = store.pages_of(WEEKLY)[-1]
    days = [p.id for p in store.pages_of(DAILY)[:40]]
    sandbox.clock.advance(minutes=2)
    store.set_relation(week.id, "Days", days)
    sandbox.log.clear()
    assert load() == 0, load.output.err
    loaded, logged = rows_by_id(notion_env, "weekly_habits", "days, days_logged")[week.id]
    assert json.loads(loaded) == days and logged == 40
    property_reads = [e for e in sandbox.log.entries("notion") if "/properties/" in e.path]
    assert {e.path.split("/properties/")[0] for e in property_reads} == {f"/v1/pages/{week.id}"}
    weeks = rows_by_id(notion_env, "daily_habits", "week")
    assert all(week.id in json.loads(weeks[d][0]) for d in days)  # the other side follows


def test_a_second_data_source_loads_into_the_same_table(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0
    archive = store.add_data_source(DAILY, "Daily Habits 2025")
    old_day = store.add_page(
        archive, {"Day": "Mon 2025-01-06", "Date": "2025-01-06", "Workout": True}
    )
    assert load() == 0, load.output.err
    rows = rows_by_id(notion_env, "daily_habits", "day, date, workout, data_source_id")
    assert rows[old_day.id][0] == "Mon 2025-01-06" and rows[old_day.id][2] is True
    assert rows[old_day.id][3] == archive.id
    assert len({r[3] for r in rows.values()}) == 2


def test_a_data_source_id_may_be_configured_directly(
    load, notion_env: PipelineEnv, store: NotionStore, monkeypatch
) -> None:
    configure_tables(monkeypatch, weeks=store.data_source(WEEKLY).id)
    assert load() == 0, load.output.err
    assert notion_env.row_counts("raw_notion")["weeks"] == len(store.pages_of(WEEKLY))


def test_full_refresh_reloads_everything_into_the_same_columns(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0
    store.rename_property(DAILY, "Mood", "Feeling")
    page = store.pages_of(DAILY)[0]
    store.trash_page(page.id)
    assert load() == 0
    sandbox.log.clear()
    assert load("--full-refresh") == 0, load.output.err
    columns = notion_env.columns("raw_notion", "daily_habits")
    assert "mood" in columns and "feeling" not in columns
    rows = rows_by_id(notion_env, "daily_habits", "mood")
    assert len(rows) == len(store.pages_of(DAILY)) and page.id not in rows
    assert sandbox.log.count("notion") == 9  # a first load again: the minimum


def test_deletions_are_found_where_filter_properties_is_refused(
    load, notion_env: PipelineEnv, notion, store: NotionStore, monkeypatch
) -> None:
    def refuse(request, source):
        if request.args("filter_properties"):
            raise ValidationFailed("filter_properties is not supported here")
        return None

    assert load() == 0
    monkeypatch.setattr(notion, "_filter_properties", refuse)
    trashed = store.pages_of(DAILY)[9]
    store.trash_page(trashed.id)
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "daily_habits", "is_deleted")[trashed.id] == (True,)


def test_a_query_cut_at_the_result_limit_is_read_on_from_the_newest_edit(
    load, notion_env: PipelineEnv, sandbox: Sandbox, notion, store: NotionStore, monkeypatch
) -> None:
    notion.query_result_limit = 150  # Notion's is 10,000 results per query
    monkeypatch.setenv("SOURCES__NOTION__PAGE_SIZE", "50")
    monkeypatch.setenv("SOURCES__NOTION__DELETION_SCAN_INTERVAL_HOURS", "0")  # scan every run
    assert load() == 0, load.output.err
    pages = store.pages_of(DAILY)
    assert len(pages) > 2 * 150
    assert len(rows_by_id(notion_env, "daily_habits", "is_deleted")) == len(pages)

    sandbox.clock.advance(minutes=3)
    store.edit_page(pages[3].id, {"Steps": 777})
    store.trash_page(pages[300].id)
    sandbox.log.clear()
    assert load() == 0, load.output.err
    rows = rows_by_id(notion_env, "daily_habits", "steps, is_deleted")
    assert rows[pages[3].id] == (777.0, False) and rows[pages[300].id][1] is True
    assert sum(deleted for _, deleted in rows.values()) == 1
    # the trashed page came from the trash listing, and the capped id scan hid no page
    assert not [e for e in sandbox.log.entries("notion") if e.path.startswith("/v1/pages/")]


def test_pages_whose_parent_names_only_the_database_still_load(
    load, notion_env: PipelineEnv, sandbox: Sandbox, notion, store: NotionStore, monkeypatch
) -> None:
    """Tolerate a parent of type database_id (ids without dashes) instead of data_source_id."""
    import sandbox.notion.routes as notion_api

    real_page_json = notion_api.page_json

    def database_parent(*args, **kwargs):
        page = real_page_json(*args, **kwargs)
        database_id = page["parent"]["database_id"].replace("-", "")
        page["parent"] = {"type": "database_id", "database_id": database_id}
        return page

    monkeypatch.setattr(notion_api, "page_json", database_parent)
    assert load() == 0, load.output.err
    trashed = store.pages_of(DAILY)[8]
    store.trash_page(trashed.id)
    assert load() == 0, load.output.err
    rows = rows_by_id(notion_env, "daily_habits", "day, is_deleted, data_source_id")
    assert rows[trashed.id] == (
        trashed.values["title"],
        True,
        store.data_source(DAILY).id,
    )
    assert all(day is not None for day, _, _ in rows.values())


def test_a_page_created_and_trashed_during_a_run_is_flagged_next_run(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    from pipelines.notion.sync import TableSync

    assert load() == 0
    sandbox.clock.advance(minutes=3)
    added = store.add_page(DAILY, {"Day": "Short-lived"})
    real_trash = TableSync._list_trash

    def trash_then_list(self, source_id):
        if source_id == store.data_source(DAILY).id:
            store.trash_page(added.id)  # between the change query and the trash check
        return real_trash(self, source_id)

    monkeypatch.setattr(TableSync, "_list_trash", trash_then_list)
    assert load() == 0, load.output.err
    assert rows_by_id(notion_env, "daily_habits", "day, is_deleted")[added.id] == (
        "Short-lived",
        True,
    )
