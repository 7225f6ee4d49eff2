"""A full load of the habit trackers: contract columns, typed values, minimum requests."""

from __future__ import annotations

import json
import math
from datetime import date

from sandbox import Sandbox
from sandbox.notion import NotionStore
from sandbox.notion.sample import DAILY, WEEKLY
from tests.sources.notion.conftest import rows_by_id
from tests.utils import PipelineEnv

DAILY_COLUMNS = {
    "id": "VARCHAR",
    "created_time": "TIMESTAMP WITH TIME ZONE",
    "last_edited_time": "TIMESTAMP WITH TIME ZONE",
    "url": "VARCHAR",
    "is_deleted": "BOOLEAN",
    "data_source_id": "VARCHAR",
    "day": "VARCHAR",
    "date": "DATE",
    "meditated": "BOOLEAN",
    "workout": "BOOLEAN",
    "read_30_min": "BOOLEAN",
    "no_alcohol": "BOOLEAN",
    "sleep_hours": "DOUBLE",
    "steps": "DOUBLE",
    "mood": "VARCHAR",
    "tags": "JSON",
    "notes": "VARCHAR",
    "week": "JSON",
    "logged_by": "VARCHAR",
    "score": "DOUBLE",
}
WEEKLY_COLUMNS = {
    "week": "VARCHAR",
    "week_of": "DATE",
    "week_of_end": "DATE",
    "weekly_review": "BOOLEAN",
    "long_run": "BOOLEAN",
    "called_family": "BOOLEAN",
    "deep_work_hours": "DOUBLE",
    "energy": "VARCHAR",
    "status": "VARCHAR",
    "days": "JSON",
    "days_logged": "DOUBLE",
    "completion": "DOUBLE",
    "ref": "VARCHAR",
    "property_url": "VARCHAR",
}


def minimum_requests(store: NotionStore) -> int:
    """Per database: its read and its data source's schema, then ceil(pages / 100) queries."""
    return sum(2 + math.ceil(len(store.pages_of(name)) / 100) for name in (DAILY, WEEKLY))


def test_full_load_is_typed_and_costs_the_minimum_then_a_rerun_loads_nothing(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore
) -> None:
    assert load() == 0, load.output.err
    assert notion_env.row_counts("raw_notion") == {
        "daily_habits": len(store.pages_of(DAILY)),
        "weekly_habits": len(store.pages_of(WEEKLY)),
    }
    assert sandbox.log.count("notion") == minimum_requests(store) == 9
    daily = notion_env.columns("raw_notion", "daily_habits")
    assert {k: daily.get(k) for k in DAILY_COLUMNS} == DAILY_COLUMNS
    weekly = notion_env.columns("raw_notion", "weekly_habits")
    assert {k: weekly.get(k) for k in WEEKLY_COLUMNS} == WEEKLY_COLUMNS
    assert "date_end" not in daily  # no page has an end date

    sandbox.log.clear()
    assert load() == 0
    assert "no changes at the source" in load.output.out
    # schema reads (2 per database), one change query and one trash check per data source;
    # the id scan waits for its interval (a day by default)
    assert sandbox.log.count("notion") == 4 + 2 + 2 == 8
    assert notion_env.row_counts("raw_notion")["daily_habits"] == len(store.pages_of(DAILY))


def test_values_match_the_pages_in_notion(
    load, notion_env: PipelineEnv, store: NotionStore
) -> None:
    assert load() == 0
    ds = store.data_source(DAILY)
    page = next(p for p in store.pages_of(DAILY) if p.values[ds.find("Notes").id])
    row = rows_by_id(
        notion_env,
        "daily_habits",
        "day, date, meditated, workout, read_30_min, no_alcohol, sleep_hours, steps, mood, "
        "tags, notes, week, score, logged_by, is_deleted, url, last_edited_time",
    )[page.id]
    value = {p.name: page.values.get(p.id) for p in ds.properties.values()}
    checks = [value[n] for n in ("Meditated", "Workout", "Read 30 min", "No alcohol")]
    assert row[0] == value["Day"] and row[1] == date.fromisoformat(value["Date"]["start"])
    assert list(row[2:6]) == checks
    assert row[6] == value["Sleep hours"] and row[7] == value["Steps"]
    assert row[8] == value["Mood"] and json.loads(row[9]) == value["Tags"]
    assert row[10] == value["Notes"] and json.loads(row[11]) == value["Week"]
    assert row[12] == sum(checks) and row[13] == page.created_by
    assert row[14] is False and row[15].endswith(page.id.replace("-", ""))
    assert row[16] == page.last_edited_time

    weekly = store.data_source(WEEKLY)
    week = store.pages_of(WEEKLY)[3]
    wrow = rows_by_id(
        notion_env,
        "weekly_habits",
        "week, week_of, week_of_end, status, ref, property_url, days, days_logged, completion",
    )[week.id]
    span = week.values[weekly.find("Week of").id]
    days = week.values[weekly.find("Days").id]
    assert wrow[0] == week.values["title"]
    assert (wrow[1], wrow[2]) == (
        date.fromisoformat(span["start"]),
        date.fromisoformat(span["end"]),
    )
    assert wrow[3] == week.values[weekly.find("Status").id]
    assert wrow[4] == f"WK-{week.values[weekly.find('Ref').id]}"
    assert wrow[5] == week.values[weekly.find("URL").id]
    assert json.loads(wrow[6]) == days and wrow[7] == len(days)
    ticks = sum(
        bool(week.values[weekly.find(n).id]) for n in ("Weekly review", "Long run", "Called family")
    )
    assert wrow[8] == round(ticks / 3, 2)
