"""The personal report: its numbers are the marts', it draws in Chromium, it survives an
empty warehouse, and Airflow serves it only to a signed-in user."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

import report.settings
from report import DuckDBWarehouse, write_report
from report.__main__ import main as report_main
from report.marts import COLD_CONTACTS_SHOWN, MARTS, WEEKS_SHOWN
from tests.dbt.conftest import Warehouse
from tests.report.browser import Chromium

MARTS_SCHEMA = "analytics_marts"
PLUGINS = report.settings.PROJECT_ROOT / "plugins"


class ChartSpecs(HTMLParser):
    """The Vega-Lite specifications embedded in the page, by chart id; and its text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.specs: dict[str, dict] = {}
        self.text: list[str] = []
        self.tags: list[tuple[str, dict]] = []  # outside scripts: script bodies are not markup
        self._chart: str | None = None
        self._script = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = True
            self._chart = attributes.get("data-chart")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script, self._chart = False, None

    def handle_data(self, data: str) -> None:
        if self._chart:
            self.specs[self._chart] = json.loads(data)
        elif not self._script:
            self.text.append(data)

    def rows(self, chart: str) -> list[dict]:
        return self.specs[chart]["data"]["values"]  # one data set per chart, inline


def as_set(rows: list[dict], *columns: str) -> set[tuple]:
    return {tuple(row[c] for c in columns) for row in rows}


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def iso(rows: list[tuple]) -> set[tuple]:
    return {tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows}


@pytest.fixture(scope="module")
def built(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    assert warehouse.build.success, warehouse.build.output[-3000:]
    page = write_report(
        tmp_path_factory.mktemp("report") / "report.html", DuckDBWarehouse(warehouse.path)
    )
    return page, page.read_text()


def test_the_numbers_in_the_report_are_the_marts(
    built: tuple[Path, str], warehouse: Warehouse
) -> None:
    page = ChartSpecs(built[1])
    path = warehouse.path

    # habit streaks: every habit, its current and longest streak
    streaks = query(
        path,
        f"select habit, cadence, current_streak, longest_streak, periods_done from {MARTS_SCHEMA}.habit_streaks",
    )
    assert len(streaks) >= 7
    assert as_set(
        page.rows("streaks"), "habit", "cadence", "current_streak", "longest_streak", "periods_done"
    ) == set(streaks)

    # the calendars: every day logged in the last 53 weeks, one chart per daily habit
    [(latest,)] = query(
        path, f"select max(period_start) from {MARTS_SCHEMA}.habit_periods where cadence = 'daily'"
    )
    start = latest - timedelta(days=latest.weekday(), weeks=WEEKS_SHOWN)
    days = query(
        path,
        "select habit, period_start, is_done, habit_value "
        f"from {MARTS_SCHEMA}.habit_periods where cadence = 'daily' "
        f"and period_start between '{start}' and '{latest}'",
    )
    calendars = [chart for chart in page.specs if chart.startswith("calendar-")]
    daily_habits = {habit for habit, cadence, *_ in streaks if cadence == "daily"}
    assert len(calendars) == len(daily_habits)
    drawn = [row for chart in calendars for row in page.rows(chart)]
    assert len(drawn) == len(days)
    assert as_set(drawn, "habit", "period_start", "is_done", "habit_value") == iso(days)
    assert {row["weekday"] for row in drawn} == {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

    # weekly habits and the completion trend: the weekly completion rows of the same year
    weeks = query(
        path,
        "select habit, cadence, habit_kind, period_start, periods_done, completion_rate "
        f"from {MARTS_SCHEMA}.habit_completion where period_grain = 'week' and period_start >= '{start}'",
    )
    weekly = {row[:1] + row[3:] for row in iso(weeks) if row[1] == "weekly"}
    trend = {row[:1] + row[3:] for row in iso(weeks) if row[1] == "daily" and row[2] == "checkbox"}
    columns = ("habit", "period_start", "periods_done", "completion_rate")
    assert as_set(page.rows("weekly-habits"), *columns) == weekly and weekly
    assert as_set(page.rows("completion-trend"), *columns) == trend and trend

    # contacts going cold: the longest silences first, with their company
    cold = query(
        path,
        "select full_name, company_name, days_since_last_contact "
        f"from {MARTS_SCHEMA}.contacts where days_since_last_contact is not null "
        f"order by days_since_last_contact desc, full_name limit {COLD_CONTACTS_SHOWN}",
    )
    shown = [
        (r["full_name"], r["company_name"], r["days_since_last_contact"])
        for r in page.rows("cold-contacts")
    ]
    assert shown == cold and any(company for _, company, _ in cold)
    [(people, never)] = query(
        path,
        "select count(*), count(*) filter (where hubspot_contact_id is not null "
        f"and last_contacted_on is null) from {MARTS_SCHEMA}.contacts",
    )
    text = " ".join(page.text)
    assert f"{people:,} people" in text
    assert re.search(rf"\b{never:,} CRM contacts? never called", text)

    # engagement mix: per month and type, the last 12 months
    mix = query(
        path,
        "with months as (select strftime(occurred_on, '%Y-%m') as month, engagement_type "
        f"from {MARTS_SCHEMA}.engagements where occurred_on is not null) "
        "select month, engagement_type, count(*) from months "
        "where month in (select distinct month from months order by month desc limit 12) "
        "group by all",
    )
    mix_months = {month for month, *_ in mix}
    assert len(mix_months) == 12
    assert as_set(page.rows("engagement-mix"), "month", "engagement_type", "engagements") == set(
        mix
    )


def test_the_page_is_self_contained(built: tuple[Path, str]) -> None:
    html = built[1]
    page = ChartSpecs(html)
    loads = [(tag, a) for tag, a in page.tags if {"src", "href"} & set(a) or tag == "link"]
    assert loads == []  # no script, style sheet, font or picture from elsewhere
    assert "@import" not in html and "url(" not in html.split("<script>", 1)[0]
    assert "window.vegaEmbed=" in html.replace(" ", "")  # the libraries are inlined
    assert '<meta name="viewport" content="width=device-width' in html
    assert all(spec["width"] == "container" for spec in page.specs.values())


def test_the_report_draws_in_chromium_without_console_errors(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    path, html = built
    with Chromium() as browser:
        result = browser.render(path)
    assert result.console_errors == []
    assert result.requests == [path.resolve().as_uri()]  # nothing from the network
    charts = len(ChartSpecs(html).specs)
    assert result.ready["result"]["value"] == charts >= 10
    assert result.charts_drawn == charts
    shot = tmp_path / "report.png"
    shot.write_bytes(result.screenshot)
    assert result.screenshot.startswith(b"\x89PNG") and shot.stat().st_size > 50_000


def empty_marts(source: Path, target: Path) -> Path:
    """A warehouse whose marts exist but hold no rows."""
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{source}' as built (read_only)")
        connection.execute(f"create schema {MARTS_SCHEMA}")
        for mart in MARTS:
            connection.execute(
                f"create table {MARTS_SCHEMA}.{mart} as select * from built.{MARTS_SCHEMA}.{mart} where false"
            )
    return target


def test_a_warehouse_without_marts_gives_a_report_that_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nothing_yet.duckdb"
    page = write_report(tmp_path / "report.html", DuckDBWarehouse(missing))
    text = " ".join(ChartSpecs(page.read_text()).text)
    assert "No marts in the DuckDB file" in text and "yet" in text
    assert not missing.exists()  # reading never creates the warehouse
    with Chromium() as browser:
        result = browser.render(page)
    assert result.console_errors == [] and result.charts_drawn == 0


def test_empty_marts_give_a_report_that_says_so(warehouse: Warehouse, tmp_path: Path) -> None:
    empty = empty_marts(warehouse.path, tmp_path / "empty.duckdb")
    page = write_report(tmp_path / "report.html", DuckDBWarehouse(empty))
    parsed = ChartSpecs(page.read_text())
    text = " ".join(parsed.text)
    for message in ("No habits logged yet.", "No contacts yet.", "No engagements yet."):
        assert message in text
    assert parsed.specs == {}
    with Chromium() as browser:
        result = browser.render(page)
    assert result.console_errors == []


def test_script_report_writes_the_configured_warehouse_report(
    warehouse: Warehouse, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(warehouse.path))
    monkeypatch.setenv("REPORT__PATH", str(tmp_path / "out" / "report.html"))
    assert report_main([]) == 0
    assert capsys.readouterr().out.strip() == f"Report: {tmp_path / 'out' / 'report.html'}"
    assert "streaks" in ChartSpecs((tmp_path / "out" / "report.html").read_text()).specs


def test_a_fresh_clone_reports_on_the_demo_warehouse(tmp_path: Path, monkeypatch) -> None:
    demo = tmp_path / "demo.duckdb"
    monkeypatch.setattr(report.settings, "DEMO_WAREHOUSE", demo)
    monkeypatch.setattr(report.settings, "DEFAULT_DUCKDB_PATH", tmp_path / "own.duckdb")
    monkeypatch.delenv("DESTINATION__DUCKDB__CREDENTIALS", raising=False)
    monkeypatch.delenv("DESTINATION_TYPE", raising=False)
    assert report.settings.demo_warehouse_instead(None) is None  # no demo run yet
    demo.touch()
    assert report.settings.demo_warehouse_instead(None) == demo
    (tmp_path / "own.duckdb").touch()  # a warehouse of one's own wins
    assert report.settings.demo_warehouse_instead(None) is None


def airflow_env(home: Path, **settings: str) -> dict[str, str]:
    """An Airflow process of its own: its home, its SQLite database, these settings."""
    venv = Path(sys.executable).parent
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PATH": f"{venv}{os.pathsep}{os.environ.get('PATH', '')}",
        **settings,
    }


def test_airflow_serves_the_report_only_behind_its_sign_in(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text("<!DOCTYPE html><p>the latest report</p>")
    passwords = tmp_path / "passwords.json"
    passwords.write_text(json.dumps({"admin": "report-test-password"}))
    home = tmp_path / "airflow"
    home.mkdir()
    env = airflow_env(
        home,
        AIRFLOW__CORE__PLUGINS_FOLDER=str(PLUGINS),
        AIRFLOW__CORE__AUTH_MANAGER="airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="False",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(passwords),
        AIRFLOW__API_AUTH__JWT_SECRET="a-jwt-secret-for-this-test-only-0123456789",
        REPORT__PATH=str(page),
    )
    migrate = subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("plugin_runner.py")), "report-test-password"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["anonymous"] == 401
    assert result["browser"][0] == 307 and result["browser"][1].startswith("/auth/login?next=")
    assert result["bearer"] == [200, "text/html; charset=utf-8"]
    assert result["cookie"] == [200, page.read_text()]
    assert {(v["name"], v["href"]) for v in result["views"]} == {
        ("Personal report", "personal-report/")
    }
