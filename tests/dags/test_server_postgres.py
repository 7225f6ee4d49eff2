"""script/server in production mode on a real PostgreSQL metadata database.

Starts a throwaway PostgreSQL, then the four Airflow processes through script/server and
honcho; checks health, authentication, DAG serialisation into PostgreSQL and the pool,
then stops honcho and checks every process it started is gone.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.core.paths import PROJECT_ROOT
from tests.dags.postgres import free_port, throwaway_postgres
from tests.dags.test_server_settings import VALID

EXPECTED_DAGS = {
    "raw_notion__habits__incremental",
    "raw_hubspot__crm__incremental",
    "raw_google__contacts__incremental",
    "transform_personal__marts__build",
}
READY_WITHIN_SECONDS = 180


@pytest.fixture
def postgres_url() -> str:
    with throwaway_postgres() as url:
        yield url


def get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def token(base: str, password: str) -> str:
    body = json.dumps({"username": "admin", "password": password}).encode()
    request = urllib.request.Request(
        f"{base}/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["access_token"]


def wait_for(condition, server: subprocess.Popen, what: str):
    """Poll `condition` until it returns a truthy value (the server is starting up)."""
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"script/server exited with {server.returncode}"
        result = condition()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"not {what} within {READY_WITHIN_SECONDS}s")


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def test_production_server_on_postgres(tmp_path: Path, postgres_url: str):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        **VALID,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": postgres_url,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "PORT": str(port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",  # no calls to the real APIs
        "DESTINATION__DUCKDB__CREDENTIALS": str(tmp_path / "warehouse.duckdb"),
    }
    env.pop("DBT_MANIFEST_PATH", None)
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["bash", str(PROJECT_ROOT / "script" / "server"), "--production"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def healthy():
            try:
                status, health = get(f"{base}/api/v2/monitor/health")
            except (urllib.error.URLError, ConnectionError):
                return None
            components = ("metadatabase", "scheduler", "triggerer", "dag_processor")
            ok = status == 200 and all(health[c]["status"] == "healthy" for c in components)
            return health if ok else None

        wait_for(healthy, server, "healthy")
        assert get(f"{base}/api/v2/dags")[0] == 401
        assert get(f"{base}/ui/dags")[0] == 401
        with pytest.raises(urllib.error.HTTPError):
            token(base, "admin")
        bearer = token(base, VALID["AIRFLOW_ADMIN_PASSWORD"])

        def serialised():
            status, body = get(f"{base}/api/v2/dags", bearer)
            ids = {dag["dag_id"] for dag in body.get("dags", [])}
            return body if status == 200 and ids == EXPECTED_DAGS else None

        dags = wait_for(serialised, server, "serialised into PostgreSQL")
        assert all(dag["is_paused"] for dag in dags["dags"])
        status, pools = get(f"{base}/api/v2/pools", bearer)
        assert {(p["name"], p["slots"]) for p in pools["pools"]} >= {("warehouse_writer", 1)}
        engine = sa.create_engine(postgres_url, poolclass=NullPool)
        with engine.connect() as metadata:
            stored = metadata.exec_driver_sql("select dag_id from serialized_dag").scalars()
            assert set(stored) == EXPECTED_DAGS
        engine.dispose()
    finally:
        server.send_signal(signal.SIGTERM)  # script/server execs honcho, which stops the four
        try:
            server.wait(timeout=60)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            print(log.read_text()[-8000:])  # shown by pytest when the test fails
    assert server.returncode is not None
    started = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", log.read_text())]
    assert len(started) == 4
    assert all(process_gone(pid) for pid in started)
    text = log.read_text()
    for secret in VALID.values():
        assert secret not in text
