"""A raw DAG run end to end with dag.test(): contract, load from the sandbox, asset event."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.dags.conftest import DAGS_FOLDER, airflow_env

DAG_FILE = DAGS_FOLDER / "personal" / "raw_notion__habits__incremental.py"
RUNNER = Path(__file__).with_name("dag_runner.py")


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(done.stdout[-5000:], done.stderr[-5000:])  # shown by pytest when the test fails
    return done


def test_notion_dag_loads_the_sandbox_into_duckdb(tmp_path, pipeline_env):
    home = tmp_path / "airflow"
    home.mkdir()
    env = airflow_env(home)
    assert run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], env).returncode == 0

    done = run([sys.executable, str(RUNNER), str(DAG_FILE)], env)

    assert done.returncode == 0
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "dag_id": "raw_notion__habits__incremental",
        "state": "success",
        "tasks": {"upgrade_contract": "success", "load": "success"},
    }
    counts = pipeline_env.row_counts("raw_notion")
    assert counts["daily_habits"] > 300 and counts["weekly_habits"] > 40
    # the contract task ran first: Alembic's version table sits beside the raw datasets
    assert pipeline_env.query("select count(*) from raw_contract.alembic_version")[0][0] == 1
    with sqlite3.connect(home / "var" / "airflow.db") as metadata:
        events = metadata.execute(
            "select asset.uri from asset_event join asset on asset.id = asset_event.asset_id"
        ).fetchall()
    assert events == [("warehouse://personal/raw_notion",)]
