"""Faults and bad settings: retries end in exactly the right tables, failures leave no trace."""

from __future__ import annotations

from sandbox import Sandbox
from sandbox.faults import RateLimit
from sandbox.notion import NotionApi, NotionStore
from sandbox.notion.sample import DAILY, WEEKLY
from tests.sources.notion.conftest import configure_tables, rows_by_id
from tests.utils import PipelineEnv


def expected_rows(store: NotionStore, source: str, prop: str) -> dict[str, tuple]:
    """What raw_notion should hold: (title, value, is_deleted) per page, trashed ones included."""
    ds = store.data_source(source)
    title, column = ds.title_property(), ds.find(prop)
    return {
        p.id: (p.values[title.id], store.plain_value(p, column), p.in_trash)
        for p in store.pages_of(ds, include_trashed=True)
    }


def change_a_few_pages(sandbox: Sandbox, store: NotionStore) -> None:
    sandbox.clock.advance(minutes=3)
    daily = store.pages_of(DAILY)
    store.edit_page(daily[5].id, {"Steps": 4321})
    store.edit_page(daily[250].id, {"Steps": 12345})
    store.trash_page(daily[77].id)
    store.add_page(DAILY, {"Day": "Bonus day", "Steps": 99})
    store.edit_page(store.pages_of(WEEKLY)[2].id, {"Long run": True})


def assert_tables_match(env: PipelineEnv, store: NotionStore) -> None:
    daily = {k: (v[0], v[1], v[2]) for k, v in expected_rows(store, DAILY, "Steps").items()}
    loaded = rows_by_id(env, "daily_habits", "day, steps, is_deleted")
    assert loaded == {k: (t, None if s is None else float(s), d) for k, (t, s, d) in daily.items()}
    assert rows_by_id(env, "weekly_habits", "week, long_run, is_deleted") == expected_rows(
        store, WEEKLY, "Long run"
    )


def test_faults_at_15_percent_end_in_exactly_the_right_tables(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCES__NOTION__PAGE_SIZE", "20")  # more requests, more faults
    sandbox.inject_faults(0.15, kinds=("429", "5xx", "drop"), apis={"notion"}, seed=1)
    assert load() == 0, load.output.err
    change_a_few_pages(sandbox, store)
    assert load() == 0, load.output.err
    assert load() == 0, load.output.err
    assert_tables_match(notion_env, store)
    faults = {e.fault for e in sandbox.log.entries("notion") if e.fault}
    assert faults >= {"429", "drop"} and faults & {"500", "502", "503"}


def test_a_run_that_fails_midway_leaves_tables_and_cursor_consistent(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    assert load() == 0
    before_daily = rows_by_id(notion_env, "daily_habits", "day, steps, is_deleted")
    before_weekly = rows_by_id(notion_env, "weekly_habits", "week, long_run, is_deleted")
    change_a_few_pages(sandbox, store)
    monkeypatch.setenv("SOURCES__NOTION__MAX_ATTEMPTS", "2")
    sandbox.log.clear()
    # seeded so that the daily table is read whole and the weekly change query fails twice
    sandbox.inject_faults(0.5, kinds=("5xx", "drop"), apis={"notion"}, seed=19)
    assert load() == 1
    assert "after 2 attempts" in load.output.err and "weekly_habits" in load.output.err
    entries = sandbox.log.entries("notion")
    daily_id = store.data_source(DAILY).id
    assert any(
        e.path.startswith(f"/v1/data_sources/{daily_id}/query") and e.status == 200 for e in entries
    )
    assert [e.fault is not None for e in entries[-2:]] == [True, True]
    assert rows_by_id(notion_env, "daily_habits", "day, steps, is_deleted") == before_daily
    assert rows_by_id(notion_env, "weekly_habits", "week, long_run, is_deleted") == before_weekly

    sandbox.inject_faults(0.0)
    assert load() == 0, load.output.err
    assert_tables_match(notion_env, store)


def test_rate_limit_answers_are_waited_out(
    load, notion_env: PipelineEnv, sandbox: Sandbox, notion: NotionApi, store: NotionStore
) -> None:
    # tighter than Notion's 3/s average with bursts, so the four schema reads hit it for sure
    notion.rate_limit = RateLimit(requests=3, per_seconds=1.0)
    sandbox.enforce_rate_limits(True, apis={"notion"})
    assert load() == 0, load.output.err
    statuses = [e.status for e in sandbox.log.entries("notion")]
    assert 429 in statuses and statuses[-1] == 200
    assert_tables_match(notion_env, store)


def test_wrong_token_is_a_clear_settings_error_and_never_printed(
    load, notion_env: PipelineEnv, monkeypatch
) -> None:
    token = "ntn_this_is_not_the_right_token_42"
    monkeypatch.setenv("SOURCES__NOTION__API_KEY", token)
    assert load() == 2
    out, err = load.output
    assert "401" in err and "SOURCES__NOTION__API_KEY" in err and "secrets.toml" in err
    assert token not in out + err


def test_database_setting_errors_name_the_table(load, notion_env: PipelineEnv, monkeypatch) -> None:
    configure_tables(monkeypatch, daily_habits="REPLACE-WITH-DAILY-HABITS-DATABASE-ID")
    assert load() == 2
    assert "daily_habits" in load.output.err and "SOURCES__NOTION__DATABASES" in load.output.err
    configure_tables(monkeypatch, habits="00000000-0000-4000-8000-000000000000")
    assert load() == 2
    assert "'habits'" in load.output.err and "shared with the integration" in load.output.err
