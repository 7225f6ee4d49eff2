"""What the report shows, read from the dbt marts of the configured warehouse.

Every number comes from a mart as it is: the report selects, filters to the last year and
counts engagements per month, nothing more, so the page agrees with SQL on the marts. The
queries are plain portable SQL; the one warehouse-specific part is how a mart is named
(`analytics_marts.contacts` in DuckDB, `project.analytics_marts.contacts` in BigQuery).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pipelines.core.destination import destination_name, duckdb_path

from .settings import shown

# dbt's target schema (`analytics`) plus the marts' own (`marts`); see dbt/personal/README.md
MARTS_SCHEMA_SUFFIX = "_marts"
MARTS = ("habit_periods", "habit_completion", "habit_streaks", "contacts", "engagements")
WEEKS_SHOWN = 52  # the calendars: this many whole weeks before the latest one, GitHub-style
COLD_CONTACTS_SHOWN = 20
ENGAGEMENT_MONTHS_SHOWN = 12


class Warehouse(Protocol):
    description: str

    def tables(self) -> set[str]:
        """The marts present (names without schema)."""
        ...

    def query(self, sql: str) -> list[dict[str, Any]]: ...

    def table(self, name: str) -> str:
        """A mart's name as the warehouse's SQL spells it."""
        ...


class DuckDBWarehouse:
    """The DuckDB file, opened read-only (a file that does not exist holds no marts)."""

    def __init__(self, path: Path, schema: str = "analytics" + MARTS_SCHEMA_SUFFIX) -> None:
        self.path = path
        self.schema = schema
        self.description = f"DuckDB file {shown(path)}"
        self._connection = None

    @contextmanager
    def opened(self) -> Iterator[DuckDBWarehouse]:
        import duckdb

        if self.path.exists():
            try:
                self._connection = duckdb.connect(str(self.path), read_only=True)
            except duckdb.ConnectionException:
                # this process already holds the file read-write (dbt run in process, as in
                # `dag.test()`): DuckDB shares that connection's database; only reads follow
                self._connection = duckdb.connect(str(self.path))
        try:
            yield self
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def tables(self) -> set[str]:
        if self._connection is None:
            return set()
        rows = self._connection.execute(
            "select table_name from information_schema.tables where table_schema = ?",
            [self.schema],
        ).fetchall()
        return {name for (name,) in rows}

    def query(self, sql: str) -> list[dict[str, Any]]:
        cursor = self._connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def table(self, name: str) -> str:
        return f'"{self.schema}"."{name}"'


class BigQueryWarehouse:
    """The BigQuery dataset dbt builds the marts in, with dlt's BigQuery settings."""

    def __init__(self) -> None:
        import dlt

        config = dlt.destinations.bigquery().configuration(None)
        self.project = config.credentials.project_id
        self.location = config.location
        self.credentials = config.credentials.to_native_credentials()
        # dbt's dataset, as profiles.yml names it, plus the marts' suffix
        self.dataset = os.environ.get("DBT_BIGQUERY_DATASET", "analytics") + MARTS_SCHEMA_SUFFIX
        self.description = f"BigQuery dataset {self.project}.{self.dataset}"
        self._client = None

    @contextmanager
    def opened(self) -> Iterator[BigQueryWarehouse]:
        from google.cloud import bigquery

        self._client = bigquery.Client(
            project=self.project, credentials=self.credentials, location=self.location
        )
        try:
            yield self
        finally:
            self._client.close()
            self._client = None

    def tables(self) -> set[str]:
        from google.api_core.exceptions import NotFound

        try:
            return {t.table_id for t in self._client.list_tables(f"{self.project}.{self.dataset}")}
        except NotFound:
            return set()

    def query(self, sql: str) -> list[dict[str, Any]]:
        return [dict(row.items()) for row in self._client.query(sql).result()]

    def table(self, name: str) -> str:
        return f"`{self.project}.{self.dataset}.{name}`"


def warehouse_for(destination: str | None = None) -> DuckDBWarehouse | BigQueryWarehouse:
    """The configured warehouse: `--destination`, else dlt's `destination_type`, else DuckDB."""
    if destination_name(destination) == "bigquery":
        return BigQueryWarehouse()
    return DuckDBWarehouse(duckdb_path())


@dataclass
class ReportData:
    """Everything the page draws, as JSON-ready rows (dates as ISO strings)."""

    warehouse: str
    missing: list[str] = field(default_factory=list)
    habits_as_of: str | None = None
    calendar_start: str | None = None
    habit_days: list[dict[str, Any]] = field(default_factory=list)
    weekly_completion: list[dict[str, Any]] = field(default_factory=list)
    streaks: list[dict[str, Any]] = field(default_factory=list)
    contacts_as_of: str | None = None
    people: int = 0
    never_contacted: int = 0
    cold_contacts: list[dict[str, Any]] = field(default_factory=list)
    engagement_mix: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.streaks or self.people or self.engagement_mix)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(warehouse: Warehouse, sql: str, **tables: str) -> list[dict[str, Any]]:
    named = {key: warehouse.table(mart) for key, mart in tables.items()}
    return [
        {key: _iso(value) for key, value in row.items()}
        for row in warehouse.query(sql.format(**named))
    ]


def calendar_window(latest: date) -> date:
    """The first day the calendars show: the Monday `WEEKS_SHOWN` weeks before `latest`'s."""
    return latest - timedelta(days=latest.weekday()) - timedelta(weeks=WEEKS_SHOWN)


def month_window(latest: str) -> str:
    """The first month ('YYYY-MM') of the `ENGAGEMENT_MONTHS_SHOWN` months ending at `latest`."""
    year, month = map(int, latest.split("-"))
    index = year * 12 + month - 1 - (ENGAGEMENT_MONTHS_SHOWN - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _read_habits(warehouse: Warehouse, data: ReportData) -> None:
    data.streaks = _rows(
        warehouse,
        "select habit_id, habit, cadence, habit_kind, periods_logged, periods_done, "
        "completion_rate, current_streak, longest_streak, as_of_period_start "
        "from {streaks} order by cadence, habit",
        streaks="habit_streaks",
    )
    daily_as_of = [r["as_of_period_start"] for r in data.streaks if r["cadence"] == "daily"]
    latest = max(daily_as_of or [r["as_of_period_start"] for r in data.streaks] or [None])
    if latest is None:
        return
    data.habits_as_of = latest
    start = calendar_window(date.fromisoformat(latest))
    data.calendar_start = start.isoformat()
    days = _rows(
        warehouse,
        "select habit, habit_kind, period_start, is_done, habit_value from {periods} "
        "where cadence = 'daily' order by habit, period_start",
        periods="habit_periods",
    )
    for row in days:
        day = date.fromisoformat(row["period_start"])
        if start <= day <= date.fromisoformat(latest):
            week = day - timedelta(days=day.weekday())
            row["week"] = week.isoformat()
            row["weekday"] = day.strftime("%a")
            data.habit_days.append(row)
    weeks = _rows(
        warehouse,
        "select habit, cadence, habit_kind, period_start, periods_logged, periods_done, "
        "completion_rate from {completion} where period_grain = 'week' "
        "order by cadence, habit, period_start",
        completion="habit_completion",
    )
    data.weekly_completion = [row for row in weeks if row["period_start"] >= data.calendar_start]


def _read_contacts(warehouse: Warehouse, data: ReportData) -> None:
    [summary] = _rows(
        warehouse,
        "select count(*) as people, "
        "count(case when hubspot_contact_id is not null and last_contacted_on is null "
        "then 1 end) as never_contacted, max(as_of_date) as as_of_date from {contacts}",
        contacts="contacts",
    )
    data.people = summary["people"]
    data.never_contacted = summary["never_contacted"]
    data.contacts_as_of = summary["as_of_date"]
    data.cold_contacts = _rows(
        warehouse,
        "select person_id, full_name, company_name, days_since_last_contact, "
        "last_contacted_on, needs_catch_up from {contacts} "
        "where days_since_last_contact is not null "
        f"order by days_since_last_contact desc, full_name limit {COLD_CONTACTS_SHOWN}",
        contacts="contacts",
    )


def _read_engagements(warehouse: Warehouse, data: ReportData) -> None:
    rows = _rows(
        warehouse,
        "select occurred_on, engagement_type from {engagements} where occurred_on is not null",
        engagements="engagements",
    )
    if not rows:
        return
    counts = Counter((row["occurred_on"][:7], row["engagement_type"]) for row in rows)
    first = month_window(max(month for month, _ in counts))
    data.engagement_mix = [
        {"month": month, "engagement_type": kind, "engagements": n}
        for (month, kind), n in sorted(counts.items())
        if month >= first
    ]


def read_marts(warehouse: DuckDBWarehouse | BigQueryWarehouse) -> ReportData:
    """The report's data; marts that are missing are listed, not fatal."""
    data = ReportData(warehouse=warehouse.description)
    with warehouse.opened():
        present = warehouse.tables()
        data.missing = [mart for mart in MARTS if mart not in present]
        if {"habit_streaks", "habit_periods", "habit_completion"} <= present:
            _read_habits(warehouse, data)
        if "contacts" in present:
            _read_contacts(warehouse, data)
        if "engagements" in present:
            _read_engagements(warehouse, data)
    return data
