"""The dbt project on real pipeline output: build and test on DuckDB, then check the marts.

Every mart figure is recomputed here in plain Python from the raw tables (or, for
identities, from the sandbox's cast of people), so a wrong join, filter or window in
the models shows up as a difference, not only as a failing dbt test.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from demo.report import habits_and_contacts_report
from sandbox.people import cast
from tests.conftest import SANDBOX_ANCHOR
from tests.dbt.conftest import SEED, Warehouse

MARTS = "analytics_marts"
STAGING = "analytics_staging"
INTERMEDIATE = "analytics_intermediate"
# raw habit table -> (cadence, period column, days per period), as in dbt_project.yml
HABIT_TABLES = {"daily_habits": ("daily", "date", 1), "weekly_habits": ("weekly", "week_of", 7)}
NOT_HABITS = {"is_deleted", "score", "days_logged", "completion"}
CONTACT_TYPES = ("call", "email", "meeting")
ENGAGEMENT_OBJECTS = ("calls", "emails", "meetings", "notes", "tasks")


# -- raw data, read the simple way ---------------------------------------------------------
def checkbox_columns(warehouse: Warehouse, table: str) -> list[str]:
    columns = warehouse.env.columns("raw_notion", table)
    return [c for c, t in columns.items() if t == "BOOLEAN" and c not in NOT_HABITS]


def raw_habit_days(warehouse: Warehouse, table: str, habit: str) -> dict[date, Any]:
    """Period -> value (ticked, or the amount), one per period (the page edited last), live
    pages only."""
    _, period, _ = HABIT_TABLES[table]
    rows = warehouse.query(
        f'select "{period}", "{habit}" from raw_notion.{table} '
        f'where not is_deleted and "{period}" is not null and "{habit}" is not null '
        "order by last_edited_time, id desc"
    )
    # Later edits overwrite earlier ones; on a tie the lowest page id wins.
    return {day: done for day, done in rows}


def streak_lengths(days: dict[date, bool], step: int) -> tuple[list[tuple[date, int]], date]:
    """(start, length) of every run of done periods; and the latest period."""
    runs: list[tuple[date, int]] = []
    previous = None
    for day in sorted(d for d, done in days.items() if done):
        if previous is not None and day - previous == timedelta(days=step):
            start, length = runs[-1]
            runs[-1] = (start, length + 1)
        else:
            runs.append((day, 1))
        previous = day
    return runs, max(days)


def live_associations(warehouse: Warehouse, from_types, to_type: str) -> list[tuple[str, str]]:
    placeholders = ", ".join("?" for _ in from_types)
    return warehouse.query(
        "select from_id, to_id from raw_hubspot.associations "
        f"where not is_deleted and from_object_type in ({placeholders}) and to_object_type = ?",
        [*from_types, to_type],
    )


# -- the build ---------------------------------------------------------------------------
def test_build_runs_every_model_and_passes_every_test(warehouse: Warehouse) -> None:
    build = warehouse.build
    assert build is not None and build.success, build.output[-4000:] if build else None
    statuses = build.statuses()
    assert {status for status in statuses.values()} <= {"success", "pass"}
    kinds = Counter(unique_id.split(".")[0] for unique_id in statuses)
    assert kinds["model"] == 16
    assert kinds["unit_test"] == 6  # unpivot, streaks (2), matching (2), contacts
    assert kinds["test"] > 100  # keys, relationships, accepted values, source tests


def test_marts_are_tables_and_staging_views(warehouse: Warehouse) -> None:
    kinds = dict(
        warehouse.query(
            "select table_schema || '.' || table_name, table_type from information_schema.tables "
            "where table_schema like 'analytics%'"
        )
    )
    assert {name for name, kind in kinds.items() if kind == "BASE TABLE"} == {
        f"{MARTS}.habit_periods",
        f"{MARTS}.habit_completion",
        f"{MARTS}.habit_streaks",
        f"{MARTS}.contacts",
        f"{MARTS}.engagements",
    }
    assert kinds[f"{STAGING}.stg_notion__habits"] == "VIEW"
    assert kinds[f"{INTERMEDIATE}.int_contacts_unified"] == "VIEW"


# -- habits ------------------------------------------------------------------------------
def test_habits_come_from_the_raw_columns(warehouse: Warehouse) -> None:
    habits = set(
        warehouse.query(
            f"select distinct cadence, habit, habit_kind from {STAGING}.stg_notion__habits"
        )
    )
    expected = set()
    for table, (cadence, _, _) in HABIT_TABLES.items():
        for column, data_type in warehouse.env.columns("raw_notion", table).items():
            if column in NOT_HABITS or column.startswith("_dlt"):
                continue
            if data_type == "BOOLEAN":
                expected.add((cadence, column, "checkbox"))
            elif data_type == "DOUBLE":
                expected.add((cadence, column, "number"))
    assert habits == expected
    # The agreed sample's habits, and none of its formulas or rollups.
    assert {
        ("daily", "meditated", "checkbox"),
        ("daily", "read_30_min", "checkbox"),
        ("daily", "sleep_hours", "number"),
        ("daily", "steps", "number"),
        ("weekly", "called_family", "checkbox"),
        ("weekly", "deep_work_hours", "number"),
    } <= habits
    assert not {h for _, h, _ in habits} & {"score", "completion", "days_logged"}


def test_long_habits_hold_one_row_per_logged_period(warehouse: Warehouse) -> None:
    for table, (cadence, _, _) in HABIT_TABLES.items():
        for habit in checkbox_columns(warehouse, table):
            days = raw_habit_days(warehouse, table, habit)
            rows = warehouse.query(
                f"select period_start, is_done from {STAGING}.stg_notion__habits "
                "where cadence = ? and habit = ?",
                [cadence, habit],
            )
            assert dict(rows) == days, (cadence, habit)


def test_streaks_match_the_raw_pages(warehouse: Warehouse) -> None:
    marts = {
        row[0]: row[1:]
        for row in warehouse.query(
            f"select habit_id, current_streak, longest_streak, longest_streak_end, "
            f"as_of_period_start from {MARTS}.habit_streaks where habit_kind = 'checkbox'"
        )
    }
    checked = 0
    for table, (cadence, period, step) in HABIT_TABLES.items():
        latest = warehouse.query(
            f'select max("{period}") from raw_notion.{table} where not is_deleted'
        )[0][0]
        for habit in checkbox_columns(warehouse, table):
            runs, _ = streak_lengths(raw_habit_days(warehouse, table, habit), step)
            longest = max((length for _, length in runs), default=0)
            longest_end = max(
                (
                    start + timedelta(days=step * (length - 1))
                    for start, length in runs
                    if length == longest
                ),
                default=None,
            )
            current = next(
                (
                    length
                    for start, length in runs
                    if start + timedelta(days=step * (length - 1)) == latest
                ),
                0,
            )
            assert marts[f"{cadence}.{habit}"] == (current, longest, longest_end, latest)
            checked += 1
    assert checked == len(marts) >= 7
    # The sample keeps streaks going: at least one habit has a multi-period streak.
    assert max(longest for _, longest, _, _ in marts.values()) > 3


def test_completion_by_week_and_month_matches_the_raw_pages(warehouse: Warehouse) -> None:
    mart = {
        (habit_id, grain, start): (logged, done, rate)
        for habit_id, grain, start, logged, done, rate in warehouse.query(
            f"select habit_id, period_grain, period_start, periods_logged, periods_done, "
            f"completion_rate from {MARTS}.habit_completion where habit_kind = 'checkbox'"
        )
    }
    expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for table, (cadence, _, _) in HABIT_TABLES.items():
        for habit in checkbox_columns(warehouse, table):
            for day, done in raw_habit_days(warehouse, table, habit).items():
                week = day - timedelta(days=day.weekday())
                for key in (
                    (f"{cadence}.{habit}", "week", week),
                    (f"{cadence}.{habit}", "month", day.replace(day=1)),
                ):
                    expected[key][0] += 1
                    expected[key][1] += int(done)
    assert set(mart) == set(expected)
    for key, (logged, done) in expected.items():
        assert mart[key][:2] == (logged, done), key
        assert mart[key][2] == pytest.approx(done / logged)


def test_measured_habits_keep_their_amounts(warehouse: Warehouse) -> None:
    raw = warehouse.query(
        "select sum(sleep_hours), count(sleep_hours) from raw_notion.daily_habits "
        "where not is_deleted and date is not null"
    )[0]
    staged = warehouse.query(
        f"select sum(habit_value), count(*) from {STAGING}.stg_notion__habits "
        "where habit_id = 'daily.sleep_hours'"
    )[0]
    monthly = warehouse.query(
        f"select sum(total_value) from {MARTS}.habit_completion "
        "where habit_id = 'daily.sleep_hours' and period_grain = 'month'"
    )[0][0]
    assert staged[1] == raw[1] > 300
    assert staged[0] == pytest.approx(raw[0])
    assert monthly == pytest.approx(raw[0])


# -- contacts ----------------------------------------------------------------------------
def test_people_are_unified_the_way_the_cast_says(warehouse: Warehouse) -> None:
    """The sandbox's cast knows who is who: a HubSpot and a Google contact of one person
    share the work email when the person's index is a multiple of 3, else only the phone
    (and only when the CRM has a phone for them)."""
    people = {p.full_name: p for p in cast(SEED)}
    hubspot = warehouse.query(
        "select id, firstname || ' ' || lastname, phone from raw_hubspot.contacts where not is_deleted"
    )
    google = dict(
        warehouse.query(
            "select display_name, resource_name from raw_google.contacts where not is_deleted"
        )
    )
    expected = {}
    for contact_id, name, phone in hubspot:
        if name not in google:
            continue
        rule = "email" if people[name].index % 3 == 0 else "phone" if phone else None
        if rule:
            expected[(contact_id, google[name])] = rule
    matched = {
        (hubspot_id, google_id): rule
        for hubspot_id, google_id, rule in warehouse.query(
            f"select hubspot_contact_id, google_contact_id, match_rule "
            f"from {INTERMEDIATE}.int_contacts_unified where match_rule in ('email', 'phone')"
        )
    }
    assert matched == expected
    assert set(Counter(expected.values())) == {"email", "phone"}
    assert len(expected) > 60

    totals = dict(warehouse.query(f"select match_rule, count(*) from {MARTS}.contacts group by 1"))
    assert totals["hubspot_only"] == len(hubspot) - len(expected)
    assert totals["google_only"] == len(google) - len(expected)


def test_contacts_count_engagements_and_days_since_last_contact(warehouse: Warehouse) -> None:
    engagements = {
        engagement_id: (kind, occurred.date())
        for engagement_id, kind, occurred in warehouse.query(
            "select id, engagement_type, hs_timestamp from raw_hubspot.engagements where not is_deleted"
        )
    }
    links = live_associations(warehouse, ENGAGEMENT_OBJECTS, "contacts")
    counts: dict[str, Counter] = defaultdict(Counter)
    last_contact: dict[str, date] = {}
    for engagement_id, contact_id in set(links):
        if engagement_id not in engagements:
            continue
        kind, day = engagements[engagement_id]
        if day > SANDBOX_ANCHOR:
            continue
        counts[contact_id][kind] += 1
        if kind in CONTACT_TYPES:
            last_contact[contact_id] = max(day, last_contact.get(contact_id, day))

    rows = warehouse.query(
        f"select hubspot_contact_id, call_count, email_count, meeting_count, note_count, "
        f"task_count, engagement_count, last_contacted_on, days_since_last_contact "
        f"from {MARTS}.contacts where hubspot_contact_id is not null"
    )
    assert (
        len(rows)
        == warehouse.query("select count(*) from raw_hubspot.contacts where not is_deleted")[0][0]
    )
    for contact_id, calls, emails, meetings, notes, tasks, total, last, days in rows:
        seen = counts.get(contact_id, Counter())
        assert (calls, emails, meetings, notes, tasks) == tuple(
            seen[k] for k in ("call", "email", "meeting", "note", "task")
        ), contact_id
        assert total == sum(seen.values())
        assert last == last_contact.get(contact_id)
        assert days == ((SANDBOX_ANCHOR - last).days if last else None)
    assert sum(sum(c.values()) for c in counts.values()) > 500


def test_contacts_belong_to_their_primary_company(warehouse: Warehouse) -> None:
    primary = dict(
        warehouse.query(
            "select a.from_id, c.name from raw_hubspot.associations a "
            "join raw_hubspot.companies c on c.id = a.to_id and not c.is_deleted "
            "where not a.is_deleted and a.from_object_type = 'contacts' "
            "and a.to_object_type = 'companies' and a.association_type_id = 1"
        )
    )
    mart = dict(
        warehouse.query(
            f"select hubspot_contact_id, company_name from {MARTS}.contacts "
            "where hubspot_contact_id is not null and company_id is not null"
        )
    )
    assert mart == {k: v for k, v in primary.items() if k in mart}
    assert len(mart) > 100


def test_catch_ups_follow_the_plan_or_the_silence(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        f"select c.needs_catch_up, r.next_catch_up, c.days_since_last_contact "
        f"from {MARTS}.contacts c join raw_hubspot.contacts r on r.id = c.hubspot_contact_id"
    )
    for flagged, planned, days in rows:
        if planned is not None:
            assert flagged == (planned <= SANDBOX_ANCHOR)
        else:
            assert flagged == (days is None or days > 60)
    assert {flagged for flagged, _, _ in rows} == {True, False}


def test_engagements_fact_has_its_contact_and_company(warehouse: Warehouse) -> None:
    contacts_of: dict[str, set[str]] = defaultdict(set)
    for engagement_id, contact_id in live_associations(warehouse, ENGAGEMENT_OBJECTS, "contacts"):
        contacts_of[engagement_id].add(contact_id)
    live_contacts = {
        r[0] for r in warehouse.query("select id from raw_hubspot.contacts where not is_deleted")
    }
    company_of: dict[str, str] = {}
    for engagement_id, company_id in live_associations(warehouse, ENGAGEMENT_OBJECTS, "companies"):
        company_of[engagement_id] = min(company_id, company_of.get(engagement_id, company_id))
    primary_company = dict(
        warehouse.query(
            "select from_id, to_id from raw_hubspot.associations where not is_deleted "
            "and from_object_type = 'contacts' and association_type_id = 1"
        )
    )
    fact = warehouse.query(
        f"select engagement_id, engagement_type, contact_id, contact_count, person_id, company_id "
        f"from {MARTS}.engagements"
    )
    raw_ids = {
        r[0] for r in warehouse.query("select id from raw_hubspot.engagements where not is_deleted")
    }
    assert {row[0] for row in fact} == raw_ids
    for engagement_id, _, contact_id, contact_count, person_id, company_id in fact:
        live = sorted(contacts_of[engagement_id] & live_contacts)
        assert contact_id == (live[0] if live else None)
        assert contact_count == len(live)
        assert person_id == (f"hubspot:{live[0]}" if live else None)
        fallback = primary_company.get(live[0]) if live else None
        assert company_id == company_of.get(engagement_id, fallback)
    assert Counter(row[1] for row in fact).keys() == {"call", "email", "meeting", "note", "task"}


# -- freshness, docs, report ------------------------------------------------------------
def test_source_freshness_reads_the_raw_timestamps(warehouse: Warehouse) -> None:
    """Freshness is measured on every timestamped raw table. Whether it passes depends on
    today's date against the sample's, so only the measurement is checked."""
    run = warehouse.dbt("source", "freshness")
    results = {r["unique_id"]: r for r in run.artifact("sources.json")["results"]}
    assert set(results) == {
        f"source.personal_reporting.{name}"
        for name in (
            "notion.daily_habits",
            "notion.weekly_habits",
            "hubspot.contacts",
            "hubspot.companies",
            "hubspot.engagements",
            "google.contacts",
        )
    }
    assert {r["status"] for r in results.values()} <= {"pass", "warn", "error"}
    for unique_id, table, column in (
        ("notion.daily_habits", "raw_notion.daily_habits", "last_edited_time"),
        ("hubspot.engagements", "raw_hubspot.engagements", "updated_at"),
        ("google.contacts", "raw_google.contacts", "updated_at"),
    ):
        latest = warehouse.query(f"select max({column}) from {table}")[0][0]
        measured = results[f"source.personal_reporting.{unique_id}"]["max_loaded_at"]
        assert datetime.fromisoformat(measured) == latest, unique_id


def test_docs_generate_writes_the_catalog(warehouse: Warehouse) -> None:
    result = warehouse.dbt("docs", "generate")
    assert result.success, result.output[-4000:]
    catalog = json.loads((warehouse.work_dir / "target" / "catalog.json").read_text())
    contacts = catalog["nodes"]["model.personal_reporting.contacts"]["columns"]
    assert {"person_id", "days_since_last_contact", "needs_catch_up"} <= set(contacts)
    assert "source.personal_reporting.notion.daily_habits" in catalog["sources"]
    assert (warehouse.work_dir / "target" / "index.html").exists()


def test_report_shows_streaks_and_catch_ups_from_the_marts(warehouse: Warehouse) -> None:
    report = habits_and_contacts_report(warehouse.path)
    lines = report.splitlines()
    for habit, cadence, current, longest in warehouse.query(
        f"select habit, cadence, current_streak, longest_streak from {MARTS}.habit_streaks "
        "where habit_kind = 'checkbox'"
    ):
        unit = "day" if cadence == "daily" else "week"
        line = next(line for line in lines if line.split()[0] == habit)
        assert f" {current} {unit}" in line and f" {longest} {unit}" in line
    # A measured habit shows its average over the days logged in the last four weeks.
    last_week = warehouse.query(
        f"select max(period_start) from {MARTS}.habit_completion where period_grain = 'week'"
    )[0][0]
    steps = [
        value
        for day, value in raw_habit_days(warehouse, "daily_habits", "steps").items()
        if day >= last_week - timedelta(weeks=3)
    ]
    steps_line = next(line for line in lines if line.split()[0] == "steps")
    assert f"avg {sum(steps) / len(steps):,.1f}" in steps_line
    due, people = warehouse.query(
        f"select count(*) filter (where needs_catch_up), count(*) from {MARTS}.contacts"
    )[0]
    assert f"{people} people" in report
    assert f"{due} need a catch-up" in report
    longest_silent = warehouse.query(
        f"select full_name from {MARTS}.contacts where needs_catch_up "
        "order by next_catch_up_on is null, next_catch_up_on, "
        "days_since_last_contact desc nulls last, relationship_strength desc nulls last, full_name "
        "limit 1"
    )[0][0]
    assert f"- {longest_silent}" in report
    assert f"as of {SANDBOX_ANCHOR:%Y-%m-%d}" in report
