"""A staged load on the emulator: the three pipelines through a bucket, in parquet.

A local directory stands in for the GCS bucket (`file://`, accepted only with the emulator):
dlt copies the load files there and the emulator's load jobs read them from their URIs, as
BigQuery reads `gs://`. The staged loads must hold the same live rows as direct DuckDB loads
of the same source data, in full and then incrementally (merges through the staging dataset).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from pipelines.registry import PIPELINES
from tests.bigquery.test_end_to_end import LIVE_ROWS, duckdb_rows, run_all
from tests.utils import PipelineEnv

pytestmark = pytest.mark.filterwarnings("ignore:Cannot create BigQuery Storage client")

# A project of its own on the shared emulator, apart from the other tests' datasets.
STAGED_PROJECT = "staged"


def staged_files(bucket: Path) -> dict[str, set[str]]:
    """`dataset.table` -> the file formats staged for it."""
    found: dict[str, set[str]] = {}
    for path in bucket.rglob("*.*"):
        relative = path.relative_to(bucket).parts
        if len(relative) >= 3:
            found.setdefault(f"{relative[0]}.{relative[1]}", set()).add(path.suffix.lstrip("."))
    return found


def live_rows(sql_rows: list[dict]) -> int:
    return sql_rows[0]["n"]


def test_staged_loads_on_the_emulator_match_direct_duckdb_loads(
    bigquery_env: PipelineEnv,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket = tmp_path / "bucket"
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", STAGED_PROJECT)
    monkeypatch.setenv("STAGING_TYPE", "filesystem")
    monkeypatch.setenv("DESTINATION__FILESYSTEM__BUCKET_URL", bucket.as_uri())
    client = bigquery.Client(project=STAGED_PROJECT, credentials=AnonymousCredentials())

    first = run_all(capsys, monkeypatch, "bigquery", tmp_path)
    assert first["raw_notion.daily_habits"] > 300 and first["raw_google.contacts"] > 100
    staged = staged_files(bucket)
    # Parquet for tables without JSON columns; JSONL where BigQuery needs it.
    assert staged["raw_hubspot.companies"] == {"parquet"}
    assert staged["raw_google.contacts"] == {"jsonl"}
    assert {table.split(".")[0] for table in staged} >= {spec.dataset for spec in PIPELINES}

    monkeypatch.delenv("STAGING_TYPE")  # DuckDB takes no staging
    run_all(capsys, monkeypatch, "duckdb", tmp_path)

    changes = [c for api in bigquery_env.sandbox.apis.values() for c in api.demo_changes()]
    assert changes
    monkeypatch.setenv("STAGING_TYPE", "filesystem")
    second = run_all(capsys, monkeypatch, "bigquery", tmp_path)
    assert 0 < sum(second.values()) < sum(first.values()) / 10
    monkeypatch.delenv("STAGING_TYPE")
    run_all(capsys, monkeypatch, "duckdb", tmp_path)

    for table, key in LIVE_ROWS.items():
        sql = (
            f"select count(*) as n, count(distinct {key}) as keys from {table} where not is_deleted"
        )
        [loaded] = [dict(row.items()) for row in client.query(sql).result()]
        assert loaded["n"] == loaded["keys"], f"{table}: a row loaded twice"
        assert loaded["n"] == live_rows(duckdb_rows(bigquery_env.duckdb_path, sql)), table
