"""`script/demo`'s driver end to end: every pipeline, the edits, the incremental run, dbt, the report."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import demo.__main__ as demo


def test_demo_loads_everything_then_only_the_changes(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path / "demo")
    for name in ("DLT_DATA_DIR", "DESTINATION__DUCKDB__CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROVIDERS__ENABLE_AIRFLOW_SECRETS", "false")

    assert demo.main([]) == 0

    out = capsys.readouterr().out
    warehouse = tmp_path / "demo" / "personal_reporting.duckdb"
    counts = demo.raw_row_counts(warehouse)
    assert {"raw_notion.daily_habits", "raw_hubspot.contacts", "raw_google.contacts"} <= set(counts)
    assert all(rows > 0 for rows in counts.values())
    # the report table: every raw table with its rows and the rows the incremental run changed
    changed = {
        line.split()[0]: int(line.split()[-1].replace(",", ""))
        for line in out.splitlines()
        if line.strip().startswith("raw_")
    }
    assert set(changed) == set(counts)
    assert changed["raw_notion.daily_habits"] > 0 and changed["raw_google.contacts"] > 0
    assert changed["raw_hubspot.contacts"] > 0
    assert changed["raw_notion.daily_habits"] < counts["raw_notion.daily_habits"] / 10
    assert "Habits (logged up to" in out and "Contacts (as of" in out
    assert "dlt pipeline notion_habits show" in out
    # the report: written beside the demo warehouse, its path printed
    report = tmp_path / "demo" / "personal_report.html"
    assert f"Report (charts, opens offline in any browser): {report}" in out
    assert 'data-chart="streaks"' in report.read_text()


def test_demo_fails_loudly_when_a_pipeline_fails(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path / "demo")
    monkeypatch.setattr(demo, "run_pipeline", lambda name: None)
    assert demo.main([]) == 1


@pytest.fixture(autouse=True)
def _restore_environment():
    """demo.main exports the sandbox settings into os.environ; put it back as it was."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
