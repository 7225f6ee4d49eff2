"""script/server in production mode on a real PostgreSQL metadata database, end to end.

Starts a throwaway PostgreSQL and the sandbox APIs, then Airflow's processes through
script/server and honcho, as App Service does. Through the REST API, with a token of the
admin account that script/server created: enters the HubSpot token as an Airflow Variable
(it is missing from the environment), unpauses the DAGs, triggers the three load DAGs, waits
for each to succeed and for the Asset-triggered dbt DAG to succeed, then checks the marts
in the warehouse, the masking of the Variable in the API and in the task log, and that every
process stops with honcho.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.core.paths import PROJECT_ROOT
from sandbox import Sandbox
from tests.dags.conftest import make_airflow_home
from tests.dags.postgres import free_port, throwaway_postgres
from tests.dags.test_server_settings import VALID

LOAD_DAGS = (
    "raw_notion__habits__incremental",
    "raw_hubspot__crm__incremental",
    "raw_google__contacts__incremental",
)
DBT_DAG = "transform_personal__marts__build"
FULL_REFRESH_DAGS = (
    "raw_notion__habits__full_refresh",
    "raw_hubspot__crm__full_refresh",
    "raw_google__contacts__full_refresh",
)
EXPECTED_DAGS = {*LOAD_DAGS, DBT_DAG, *FULL_REFRESH_DAGS}
VARIABLE = "SOURCES__HUBSPOT__ACCESS_TOKEN"  # entered in Airflow, not in the environment
PROCESSES = ("api-server", "scheduler", "dag-processor")
READY_WITHIN_SECONDS = 240
RUNS_WITHIN_SECONDS = 900


@pytest.fixture
def postgres_url() -> str:
    with throwaway_postgres() as url:
        yield url


class Api:
    """The REST API as a client sees it: JSON in and out, a bearer token once signed in."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.token: str | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | str]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        try:
            return status, json.loads(text)
        except json.JSONDecodeError:
            return status, text

    def sign_in(self, password: str) -> int:
        status, body = self.call("POST", "/auth/token", {"username": "admin", "password": password})
        if status in (200, 201):
            self.token = body["access_token"]
        return status


def wait_for(condition, server: subprocess.Popen, what: str, within: float):
    """Poll `condition` until it returns a truthy value; fail if the server dies first."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert server.poll() is None, f"script/server exited with {server.returncode}"
        result = condition()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"not {what} within {within:.0f}s")


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def server_env(tmp_path: Path, postgres_url: str, sandbox: Sandbox, port: int) -> dict[str, str]:
    settings = {k: v for k, v in sandbox.client_settings().items() if k != VARIABLE}
    env = {
        **os.environ,
        **VALID,
        **settings,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": postgres_url,
        "AIRFLOW_HOME": str(make_airflow_home(tmp_path / "airflow")),
        "PORT": str(port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",  # the test unpauses them
        "DESTINATION__DUCKDB__CREDENTIALS": str(tmp_path / "warehouse.duckdb"),
        "DLT_DATA_DIR": str(tmp_path / "dlt"),
        "RUNNER__LOCK_TIMEOUT_SECONDS": "600",
    }
    for name in ("DBT_MANIFEST_PATH", VARIABLE, "PROVIDERS__ENABLE_AIRFLOW_SECRETS"):
        env.pop(name, None)
    return env


def test_production_server_runs_the_elt_on_postgres(
    tmp_path: Path, postgres_url: str, sandbox: Sandbox
):
    port = free_port()
    api = Api(f"http://127.0.0.1:{port}")
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["bash", str(PROJECT_ROOT / "script" / "server"), "--production"],
            env=server_env(tmp_path, postgres_url, sandbox, port),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hubspot_token = sandbox.client_settings()[VARIABLE]
    try:

        def healthy():
            try:
                status, health = api.call("GET", "/api/v2/monitor/health")
            except (urllib.error.URLError, ConnectionError):
                return None
            components = ("metadatabase", "scheduler", "dag_processor")
            ok = status == 200 and all(health[c]["status"] == "healthy" for c in components)
            return health if ok else None

        health = wait_for(healthy, server, "healthy", READY_WITHIN_SECONDS)
        assert health["triggerer"]["status"] is None  # no triggerer runs: nothing defers

        # sign-in is required everywhere, and only the right password gets a token
        assert api.call("GET", "/api/v2/dags")[0] == 401
        assert api.call("GET", "/ui/dags")[0] == 401
        assert api.sign_in("admin") == 401
        assert api.sign_in(VALID["AIRFLOW_ADMIN_PASSWORD"]) == 201

        def serialised():
            status, body = api.call("GET", "/api/v2/dags?limit=100")
            ids = {dag["dag_id"] for dag in body.get("dags", [])} if status == 200 else set()
            return body if ids >= EXPECTED_DAGS else None

        dags = wait_for(serialised, server, "serialised into PostgreSQL", READY_WITHIN_SECONDS)
        assert all(dag["is_paused"] for dag in dags["dags"])
        status, pools = api.call("GET", "/api/v2/pools")
        assert {(p["name"], p["slots"]) for p in pools["pools"]} >= {
            ("warehouse_writer", 1),
            ("dbt_watchers", 2),
        }

        # a setting entered in Airflow: stored, and shown masked
        status, _ = api.call("POST", "/api/v2/variables", {"key": VARIABLE, "value": hubspot_token})
        assert status == 201
        status, shown = api.call("GET", f"/api/v2/variables/{VARIABLE}")
        assert status == 200 and shown["value"] != hubspot_token

        for dag_id in (DBT_DAG, *LOAD_DAGS):
            status, _ = api.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
            assert status == 200, dag_id
        triggered = {}
        for dag_id in LOAD_DAGS:
            status, run = api.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
            assert status == 200, run
            triggered[dag_id] = run["dag_run_id"]

        def finished(dag_id: str, run_id: str):
            status, run = api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
            return run if status == 200 and run["state"] in ("success", "failed") else None

        for dag_id, run_id in triggered.items():
            run = wait_for(
                lambda d=dag_id, r=run_id: finished(d, r),
                server,
                f"{dag_id} done",
                RUNS_WITHIN_SECONDS,
            )
            assert run["state"] == "success", dag_id

        # every triggered load's asset event is consumed by a successful dbt DAG run
        needed = set()
        for dag_id, run_id in triggered.items():
            query = urllib.parse.urlencode({"source_dag_id": dag_id, "source_run_id": run_id})
            status, events = api.call("GET", f"/api/v2/assets/events?{query}")
            assert status == 200 and events["total_entries"] == 1, events
            needed |= {event["id"] for event in events["asset_events"]}

        def dbt_runs_consumed():
            status, body = api.call("GET", f"/api/v2/dags/{DBT_DAG}/dagRuns?limit=50")
            runs = body.get("dag_runs", []) if status == 200 else []
            assert not [run for run in runs if run["state"] == "failed"], runs
            consumed = set()
            for run in runs:
                if run["state"] == "success":
                    path = f"/api/v2/dags/{DBT_DAG}/dagRuns/{run['dag_run_id']}/upstreamAssetEvents"
                    consumed |= {event["id"] for event in api.call("GET", path)[1]["asset_events"]}
            return runs if needed <= consumed else None

        dbt_runs = wait_for(dbt_runs_consumed, server, "marts rebuilt", RUNS_WITHIN_SECONDS)
        dbt_runs = [run for run in dbt_runs if run["state"] == "success"]
        assert {r["run_type"] for r in dbt_runs} == {"asset_triggered"}
        status, tasks = api.call(
            "GET", f"/api/v2/dags/{DBT_DAG}/dagRuns/{dbt_runs[-1]['dag_run_id']}/taskInstances"
        )
        assert status == 200 and tasks["total_entries"] > 10  # one task per model and test
        assert {t["state"] for t in tasks["task_instances"]} == {"success"}

        status, task_log = api.call(
            "GET",
            f"/api/v2/dags/{LOAD_DAGS[1]}/dagRuns/{triggered[LOAD_DAGS[1]]}"
            "/taskInstances/load/logs/1?full_content=true",
        )
        assert status == 200
        assert "raw_hubspot" in str(task_log) and hubspot_token not in str(task_log)
    finally:
        server.send_signal(signal.SIGTERM)  # script/server execs honcho, which stops them all
        try:
            server.wait(timeout=60)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            print(log.read_text()[-8000:])  # shown by pytest when the test fails

    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as warehouse:
        marts = warehouse.execute(
            "select table_name from information_schema.tables where table_schema = 'analytics_marts'"
        ).fetchall()
        assert {"contacts", "habit_streaks"} <= {name for (name,) in marts}
        contacts = warehouse.execute("select count(*) from analytics_marts.contacts").fetchone()[0]
        assert contacts > 0
    engine = sa.create_engine(postgres_url, poolclass=NullPool)
    with engine.connect() as metadata:
        stored = set(metadata.exec_driver_sql("select dag_id from serialized_dag").scalars())
        users = metadata.exec_driver_sql("select username from ab_user").scalars().all()
    engine.dispose()
    assert stored >= EXPECTED_DAGS and users == ["admin"]

    text = log.read_text()
    started = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", text)]
    assert len(started) == len(PROCESSES)
    assert all(process_gone(pid) for pid in started)
    for secret in (*VALID.values(), hubspot_token):
        assert secret not in text
