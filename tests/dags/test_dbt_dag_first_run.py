"""The dbt DAG's first run on a warehouse that holds only raw data (no dbt schema yet).

Tests that span several models (relationships between staging and intermediate models)
must run after every model they read, not in the test task of whichever model comes
first; otherwise the first run fails with "schema analytics_intermediate does not exist".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipelines.registry import PIPELINES
from tests.dags.conftest import DAGS_FOLDER, airflow_env
from tests.utils import EntryPoint, PipelineEnv

DAG_FILE = DAGS_FOLDER / "personal" / "transform_personal__marts__build.py"
RUNNER = Path(__file__).with_name("dag_runner.py")


def test_the_dbt_dag_succeeds_on_its_first_run(
    tmp_path: Path, pipeline_env: PipelineEnv, dbt_manifest: Path
) -> None:
    for spec in PIPELINES:
        assert EntryPoint(spec)() == 0, spec.name
    home = tmp_path / "airflow"
    home.mkdir()
    env = airflow_env(home, DBT_MANIFEST_PATH=str(dbt_manifest))
    migrate = subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]

    done = subprocess.run(
        [sys.executable, str(RUNNER), str(DAG_FILE), "--no-retries"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )

    print(done.stdout[-8000:], done.stderr[-8000:])  # shown by pytest when the test fails
    assert done.returncode == 0, done.stderr[-5000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    failed = {task: state for task, state in result["tasks"].items() if state != "success"}
    assert failed == {} and result["state"] == "success"
    marts = pipeline_env.query(
        "select table_name from information_schema.tables where table_schema = 'analytics_marts'"
    )
    assert {"contacts", "habit_streaks"} <= {name for (name,) in marts}
