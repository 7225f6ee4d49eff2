"""BigQuery end to end, offline: the production path on the emulator, compared with DuckDB.

The three pipelines load the sandbox into the emulator with `--destination bigquery`
(Alembic upgrade and contract check included), load again incrementally after a day of
edits at the sources, then `dbt build --target bigquery` runs every model and data test.
The marts must hold the same rows as a DuckDB build of the same source data.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from pipelines.registry import PIPELINES
from pipelines.runner.summary import rows_this_run
from tests.bigquery.conftest import EMULATOR_PROJECT
from tests.dbt.conftest import DbtRun, run_dbt
from tests.utils import EntryPoint, PipelineEnv

pytestmark = pytest.mark.filterwarnings("ignore:Cannot create BigQuery Storage client")

AS_OF = "{as_of_date: '2026-10-31'}"  # the sandbox's last day: both builds count to it
MARTS = "analytics_marts"
# Contracted raw tables -> their primary key: live rows are compared between warehouses.
LIVE_ROWS = {
    "raw_notion.daily_habits": "id",
    "raw_notion.weekly_habits": "id",
    "raw_hubspot.contacts": "id",
    "raw_hubspot.companies": "id",
    "raw_hubspot.engagements": "id",
    "raw_google.contacts": "resource_name",
}


def bigquery_client() -> bigquery.Client:
    """A client for reading the emulator (it checks no credentials)."""
    return bigquery.Client(project=EMULATOR_PROJECT, credentials=AnonymousCredentials())


def bigquery_rows(client: bigquery.Client, sql: str) -> list[dict[str, Any]]:
    return [dict(row.items()) for row in client.query(sql).result()]


def duckdb_rows(path: Path, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def comparable(value: Any) -> Any:
    """One spelling per value across the two warehouses' client libraries."""
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def table_of(rows: Iterable[dict[str, Any]]) -> list[tuple]:
    return sorted(
        (tuple((k, comparable(v)) for k, v in sorted(row.items())) for row in rows), key=repr
    )


def run_all(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    destination: str,
    dlt_dir: Path,
) -> dict[str, int]:
    """Each pipeline as its entry script; rows loaded per `dataset.table`."""
    monkeypatch.setenv("DLT_DATA_DIR", str(dlt_dir / destination))
    argv = ("--destination", destination)
    loaded = {}
    for spec in PIPELINES:
        entry = EntryPoint(spec, capsys)
        assert entry(*argv) == 0, entry.output
        for table, rows in rows_this_run(dlt.attach(pipeline_name=spec.name)).items():
            loaded[f"{spec.dataset}.{table}"] = rows
    return loaded


def test_pipelines_and_dbt_on_the_emulator_match_duckdb(
    bigquery_env: PipelineEnv,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox = bigquery_env.sandbox
    client = bigquery_client()

    # Both warehouses load the same sandbox the same way: in full, then incrementally.
    first = run_all(capsys, monkeypatch, "bigquery", tmp_path)
    run_all(capsys, monkeypatch, "duckdb", tmp_path)
    assert first["raw_notion.daily_habits"] > 300 and first["raw_google.contacts"] > 100
    contract_versions = bigquery_rows(
        client, "select version_num from raw_contract.alembic_version"
    )
    assert len(contract_versions) == 1  # the Alembic upgrade ran on the emulator

    changes = [change for api in sandbox.apis.values() for change in api.demo_changes()]
    assert changes
    second = run_all(capsys, monkeypatch, "bigquery", tmp_path)
    run_all(capsys, monkeypatch, "duckdb", tmp_path)
    # Incremental: only what changed is read and loaded again.
    assert 0 < sum(second.values()) < sum(first.values()) / 10

    bigquery_build = run_dbt(
        "build", "--target", "bigquery", "--vars", AS_OF, work_dir=tmp_path / "dbt-bigquery"
    )
    assert bigquery_build.success, bigquery_build.output
    assert_everything_ran(bigquery_build)

    for table, key in LIVE_ROWS.items():
        sql = (
            f"select count(*) as n, count(distinct {key}) as keys from {table} where not is_deleted"
        )
        [loaded] = bigquery_rows(client, sql)
        assert loaded["n"] == loaded["keys"], f"{table}: a row loaded twice"
        assert loaded["n"] == duckdb_rows(bigquery_env.duckdb_path, sql)[0]["n"], table
    duckdb_build = run_dbt(
        "build", "--target", "duckdb", "--vars", AS_OF, work_dir=tmp_path / "dbt-duckdb"
    )
    assert duckdb_build.success, duckdb_build.output

    marts = [
        row["table_name"]
        for row in bigquery_rows(
            client, f"select table_name from {MARTS}.INFORMATION_SCHEMA.TABLES"
        )
    ]
    assert {"habit_completion", "habit_streaks", "contacts", "engagements"} <= set(marts)
    for mart in marts:
        on_bigquery = table_of(bigquery_rows(client, f"select * from {MARTS}.{mart}"))
        on_duckdb = table_of(duckdb_rows(bigquery_env.duckdb_path, f"select * from {MARTS}.{mart}"))
        assert on_bigquery, mart
        assert on_bigquery == on_duckdb, (
            f"{mart}: first difference {first_difference(on_bigquery, on_duckdb)}"
        )


def assert_everything_ran(build: DbtRun) -> None:
    """Every enabled model and data test of the project ran and passed."""
    manifest = build.artifact("manifest.json")
    expected = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "test") and node["config"].get("enabled", True)
    }
    statuses = build.statuses()
    assert set(statuses) == expected
    assert set(statuses.values()) <= {"success", "pass"}, {
        k: v for k, v in statuses.items() if v not in ("success", "pass")
    }


def first_difference(left: list[tuple], right: list[tuple]) -> str:
    for a, b in zip(left, right, strict=False):
        if a != b:
            fields = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
            return f"row {dict(a[:1])}...: bigquery/duckdb {fields}"
    return f"{len(left)} rows on bigquery, {len(right)} on duckdb"
