"""The manual full-refresh DAGs: each reloads its source from scratch with `dag.test()`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.registry import PIPELINES
from tests.dags.conftest import DAGS_FOLDER, airflow_env
from tests.utils import EntryPoint, PipelineEnv

RUNNER = Path(__file__).with_name("dag_runner.py")
DAG_FILES = {
    "notion_habits": "raw_notion__habits__full_refresh",
    "hubspot_crm": "raw_hubspot__crm__full_refresh",
    "google_contacts": "raw_google__contacts__full_refresh",
}


@pytest.mark.parametrize("spec", PIPELINES, ids=lambda spec: spec.name)
def test_full_refresh_dag_reloads_its_source(tmp_path: Path, pipeline_env: PipelineEnv, spec):
    assert EntryPoint(spec)() == 0  # an earlier incremental load
    before = pipeline_env.row_counts(spec.dataset)
    # a row lost from the warehouse: an incremental run would not read it again, a full
    # refresh does
    table = sorted(before)[0]
    with duckdb.connect(str(pipeline_env.duckdb_path)) as warehouse:
        warehouse.execute(
            f'delete from "{spec.dataset}"."{table}" where _dlt_id = '
            f'(select min(_dlt_id) from "{spec.dataset}"."{table}")'
        )
    assert pipeline_env.row_counts(spec.dataset)[table] == before[table] - 1
    env = airflow_env(tmp_path / "airflow")
    migrate = [str(Path(sys.executable).parent / "airflow"), "db", "migrate"]
    assert subprocess.run(migrate, env=env, capture_output=True, check=False).returncode == 0
    dag_file = DAGS_FOLDER / "personal" / f"{DAG_FILES[spec.name]}.py"

    done = subprocess.run(
        [sys.executable, str(RUNNER), str(dag_file), "--no-retries"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )

    print(done.stdout[-4000:], done.stderr[-4000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "dag_id": DAG_FILES[spec.name],
        "state": "success",
        "tasks": {"upgrade_contract": "success", "load": "success"},
    }
    after = pipeline_env.row_counts(spec.dataset)
    assert after == before  # everything read again, the lost row included, nothing doubled
