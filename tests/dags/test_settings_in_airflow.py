"""Settings entered in Airflow reach the pipelines; a missing setting fails at once; retries.

Each DAG runs with `dag.test()` in a process of its own, against the sandbox, with the
project's airflow.cfg (a private AIRFLOW_HOME and SQLite metadata database).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.dags.conftest import DAGS_FOLDER, airflow_env
from tests.utils import PipelineEnv

RUNNER = Path(__file__).with_name("dag_runner.py")
AIRFLOW = str(Path(sys.executable).parent / "airflow")
HUBSPOT_DAG = DAGS_FOLDER / "personal" / "raw_hubspot__crm__incremental.py"
TOKEN = "SOURCES__HUBSPOT__ACCESS_TOKEN"


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    print(done.stdout[-5000:], done.stderr[-5000:])  # shown by pytest when the test fails
    return done


@pytest.fixture
def airflow_without_token(tmp_path: Path, pipeline_env: PipelineEnv, monkeypatch) -> dict[str, str]:
    """Airflow's environment with every sandbox setting but the HubSpot token."""
    monkeypatch.delenv(TOKEN)
    monkeypatch.delenv("PROVIDERS__ENABLE_AIRFLOW_SECRETS")  # as in a real task
    env = airflow_env(tmp_path / "airflow")
    assert run([AIRFLOW, "db", "migrate"], env).returncode == 0
    return env


def test_a_variable_fills_a_setting_the_environment_leaves_unset(
    airflow_without_token: dict[str, str], pipeline_env: PipelineEnv
):
    env = airflow_without_token
    token = pipeline_env.sandbox.client_settings()[TOKEN]
    assert run([AIRFLOW, "variables", "set", TOKEN, token], env).returncode == 0

    done = run([sys.executable, str(RUNNER), str(HUBSPOT_DAG)], env)

    assert done.returncode == 0
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["state"] == "success", result
    assert pipeline_env.row_counts("raw_hubspot")["contacts"] > 0
    assert token not in done.stdout + done.stderr  # masked in the task log


def test_a_missing_setting_fails_the_load_at_once_without_retries(
    airflow_without_token: dict[str, str], pipeline_env: PipelineEnv
):
    done = run([sys.executable, str(RUNNER), str(HUBSPOT_DAG)], airflow_without_token)

    result = json.loads(done.stdout.strip().splitlines()[-1])
    # failed, not up_for_retry: the task has two retries, and a token does not come back
    assert result["tasks"] == {"upgrade_contract": "success", "load": "failed"}
    assert TOKEN in done.stdout + done.stderr or "access_token" in done.stdout + done.stderr


def test_retries_back_off_exponentially_up_to_a_ceiling(dag_bag):
    for dag in dag_bag.dags.values():
        for task in dag.tasks:
            assert task.retries == 2
            assert task.retry_exponential_backoff == 2.0  # a multiplier in Airflow 3.3
            assert task.max_retry_delay == timedelta(minutes=30)
