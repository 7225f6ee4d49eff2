"""A newcomer's `script/server`: no API credentials, no settings, nothing but the checkout.

It serves the sandbox APIs beside Airflow, generates the local secrets and the admin
password, unpauses the DAGs, and the first runs go green by themselves: the three loads
(scheduled at once for their latest interval) and the Asset-triggered dbt DAG, whose marts
land in the sandbox's own warehouse file under var/.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import urllib.error
from pathlib import Path

import duckdb

from pipelines.core.paths import PROJECT_ROOT
from tests.dags.conftest import make_airflow_home
from tests.dags.postgres import free_port
from tests.dags.test_server_postgres import LOAD_DAGS, Api, process_gone, wait_for

DBT_DAG = "transform_personal__marts__build"
WITHIN_SECONDS = 900


def newcomer_env(home: Path, port: int) -> dict[str, str]:
    """The environment of someone who has configured nothing."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            ("SOURCES__", "DESTINATION", "AIRFLOW", "DLT_", "DBT_", "PROVIDERS__")
        )
    }
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "PORT": str(port),
            "SANDBOX_PORT": str(free_port()),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        }
    )
    return env


def test_a_newcomer_sees_green_runs_against_the_sandbox(tmp_path: Path):
    home = make_airflow_home(tmp_path / "airflow")
    port = free_port()
    api = Api(f"http://127.0.0.1:{port}")
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["bash", str(PROJECT_ROOT / "script" / "server")],
            env=newcomer_env(home, port),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        secrets = home / "var" / "secrets.env"
        wait_for(secrets.exists, server, "local secrets generated", 300)
        assert oct(secrets.stat().st_mode & 0o777) == "0o600"
        password = dict(line.split("=", 1) for line in secrets.read_text().splitlines())[
            "AIRFLOW_ADMIN_PASSWORD"
        ]

        def signed_in():
            try:
                return api.sign_in(password) == 201
            except (urllib.error.URLError, ConnectionError):
                return False  # the api-server is still starting

        wait_for(signed_in, server, "signed in", 300)

        def all_green():
            """Every load succeeded and a successful dbt run consumed every load's event."""
            states, emitted, consumed = {}, set(), set()
            for dag_id in (*LOAD_DAGS, DBT_DAG):
                status, body = api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=20")
                runs = body.get("dag_runs", []) if status == 200 else []
                assert not [r for r in runs if r["state"] == "failed"], (dag_id, runs)
                states[dag_id] = {r["state"] for r in runs}
                for run in runs:
                    if dag_id == DBT_DAG and run["state"] == "success":
                        path = (
                            f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}/upstreamAssetEvents"
                        )
                        consumed |= {e["id"] for e in api.call("GET", path)[1]["asset_events"]}
                if dag_id != DBT_DAG:
                    status, events = api.call(
                        "GET", f"/api/v2/assets/events?source_dag_id={dag_id}"
                    )
                    if status != 200:
                        return None
                    emitted |= {e["id"] for e in events["asset_events"]}
            busy = any(s & {"queued", "running"} for s in states.values())
            loaded = all("success" in states[dag_id] for dag_id in LOAD_DAGS)
            return states if loaded and not busy and emitted and emitted <= consumed else None

        states = wait_for(all_green, server, "green runs", WITHIN_SECONDS)
        assert set(states) == {*LOAD_DAGS, DBT_DAG}
        status, dags = api.call("GET", "/api/v2/dags?limit=100")
        assert status == 200 and not [d["dag_id"] for d in dags["dags"] if d["is_paused"]]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            print(log.read_text()[-8000:])  # shown by pytest when the test fails

    text = log.read_text()
    assert "sandbox APIs on http://127.0.0.1" in text
    with duckdb.connect(str(home / "var" / "sandbox.duckdb"), read_only=True) as warehouse:
        habits = warehouse.execute("select count(*) from analytics_marts.habit_streaks").fetchone()
        contacts = warehouse.execute("select count(*) from analytics_marts.contacts").fetchone()
    assert habits[0] > 0 and contacts[0] > 0
    started = [int(p) for p in re.findall(r"started \(pid=(\d+)\)", text)]
    assert len(started) == 4  # api-server, scheduler, dag-processor, sandbox
    assert all(process_gone(pid) for pid in started)
