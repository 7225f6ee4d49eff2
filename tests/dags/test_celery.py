"""CeleryExecutor past one machine: script/server --celery and --worker.

The settings checks first (`--check`: nothing starts). Then end to end, as on two machines:
a throwaway Redis (script/redis) as the broker, a throwaway PostgreSQL as the metadata
database and the result backend, the sandbox APIs in-process, `script/server --production
--celery` (api-server, scheduler and dag-processor under honcho) and, as a separate process
with its own AIRFLOW_HOME and only the settings every machine shares, `script/server
--production --worker` (`airflow celery worker`). Through the REST API: unpause and trigger
the Notion load, wait for it and for the Asset-triggered dbt DAG to succeed; then check that
every task ran on the worker (the worker took each task from Redis, Celery recorded its
result in PostgreSQL, the task logs are on the worker's side only and the api-server reads
them from the worker's log server), that the marts are in DuckDB, that no password was
printed, and that every process stopped.
"""

from __future__ import annotations

import configparser
import os
import re
import signal
import subprocess
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.core.paths import PROJECT_ROOT
from sandbox import Sandbox
from tests.dags.conftest import make_airflow_home
from tests.dags.postgres import free_port, throwaway_postgres
from tests.dags.test_server_postgres import Api
from tests.dags.test_server_settings import VALID, server

REDIS = PROJECT_ROOT / "script" / "redis"
LOAD_DAG = "raw_notion__habits__incremental"
DBT_DAG = "transform_personal__marts__build"
SECRETS = ("AIRFLOW__API__SECRET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY")
# The throwaway servers check no password (PostgreSQL trusts loopback, Redis gets one set
# below); both URLs carry one all the same, so the test can tell it is never printed.
REDIS_PASSWORD = "redis-pass-for-celery-tests-5309"
POSTGRES_PASSWORD = "pg-pass-for-celery-tests-8675"
CELERY = {
    "AIRFLOW__CELERY__BROKER_URL": f"redis://:{REDIS_PASSWORD}@redis.example:6379/0",
    "AIRFLOW__CELERY__RESULT_BACKEND": "db+postgresql://airflow:pg-pass-4711@db.example:5432/airflow",
}
READY_WITHIN_SECONDS = 240
RUNS_WITHIN_SECONDS = 900
STOPS_WITHIN_SECONDS = 90


# -- the settings checks ----------------------------------------------------------------------


def test_valid_celery_settings_pass_the_check():
    done = server({**VALID, **CELERY}, "--production", "--celery", "--check")
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "script/server: settings OK (production, Celery)",
    )


@pytest.mark.parametrize("name", sorted(CELERY))
def test_missing_celery_setting_is_refused_by_name(name: str):
    settings = {key: value for key, value in {**VALID, **CELERY}.items() if key != name}
    done = server(settings, "--production", "--celery")
    assert done.returncode == 1
    assert f"refusing to start with Celery: {name} is not set" in done.stderr


def test_production_broker_needs_a_password():
    settings = {**VALID, **CELERY, "AIRFLOW__CELERY__BROKER_URL": "redis://redis.example:6379/0"}
    done = server(settings, "--production", "--celery", "--check")
    assert done.returncode == 1 and "AIRFLOW__CELERY__BROKER_URL has no password" in done.stderr
    assert server(settings, "--celery", "--check").returncode == 0  # local: a throwaway Redis


def test_the_executor_setting_alone_means_celery():
    settings = {**VALID, "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor"}
    done = server(settings, "--production", "--check")
    assert done.returncode == 1 and "AIRFLOW__CELERY__BROKER_URL is not set" in done.stderr


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        (
            "AIRFLOW__CELERY__BROKER_URL",
            "amqp://guest:s3cret-broker@mq.example//",
            "not a Redis URL",
        ),
        (
            "AIRFLOW__CELERY__RESULT_BACKEND",
            "redis://:s3cret-result@redis.example/1",
            "not a PostgreSQL",
        ),
        (
            "AIRFLOW__CELERY__RESULT_BACKEND",
            "db+sqlite:////tmp/s3cret-results.db",
            "not a PostgreSQL",
        ),
    ],
)
def test_wrong_celery_setting_is_refused_without_printing_it(name: str, value: str, problem: str):
    done = server({**VALID, **CELERY, name: value}, "--production", "--celery")
    assert done.returncode == 1
    assert name in done.stderr and problem in done.stderr
    output = done.stdout + done.stderr
    for secret in (value, *CELERY.values(), *VALID.values()):
        assert secret not in output


def test_local_celery_needs_postgresql():
    done = server(CELERY, "--celery", "--check")
    assert done.returncode == 1
    assert "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN must point at PostgreSQL" in done.stderr


def test_production_worker_needs_the_execution_api_url_but_no_admin_password():
    settings = {
        key: value for key, value in {**VALID, **CELERY}.items() if key != "AIRFLOW_ADMIN_PASSWORD"
    }
    done = server(settings, "--production", "--worker", "--check")
    assert done.returncode == 1 and "AIRFLOW__CORE__EXECUTION_API_SERVER_URL" in done.stderr
    settings["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = "https://airflow.example/execution/"
    done = server(settings, "--production", "--worker", "--check")
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "script/server: settings OK (production, Celery worker)",
    )


def test_one_worker_can_run_what_the_scheduler_queues():
    """Else the dbt DAG's per-model tasks could hold every worker process while its producer
    task, which they wait for, waits in Redis."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(PROJECT_ROOT / "airflow.cfg")
    parallelism = config.getint("core", "parallelism", fallback=32)
    assert config.getint("celery", "worker_concurrency") >= parallelism


def test_a_worker_serves_no_sandbox():
    done = server({}, "--worker", "--sandbox", "--check")
    assert done.returncode == 2 and "not on a worker" in done.stderr


# -- end to end -------------------------------------------------------------------------------


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url.replace("airflow@", f"airflow:{POSTGRES_PASSWORD}@", 1)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """script/redis's throwaway server, with a password; stopped, and its process gone."""
    directory = tmp_path / "redis"
    started = subprocess.run(
        ["bash", str(REDIS), "--start", str(directory)], capture_output=True, text=True, check=False
    )
    assert started.returncode == 0, started.stdout + started.stderr
    port = re.fullmatch(r"redis://127\.0\.0\.1:(\d+)/0", started.stdout.strip().splitlines()[-1])[1]
    pid = int((directory / "redis.pid").read_text())
    cli = ["redis-cli", "-h", "127.0.0.1", "-p", port]
    subprocess.run(
        [*cli, "config", "set", "requirepass", REDIS_PASSWORD], capture_output=True, check=True
    )
    try:
        yield f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    finally:
        subprocess.run(
            [*cli, "--no-auth-warning", "-a", REDIS_PASSWORD, "config", "set", "requirepass", ""],
            capture_output=True,
            check=False,
        )
        subprocess.run(
            ["bash", str(REDIS), "--stop", str(directory)], capture_output=True, check=False
        )
        deadline = time.monotonic() + STOPS_WITHIN_SECONDS
        while not process_gone(pid):
            assert time.monotonic() < deadline, "Redis did not stop"
            time.sleep(0.2)


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"


def session_members(session: int) -> set[int]:
    """The live processes of a session (each started process leads its own)."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            members.add(int(stat.parent.name))
    return members


def wait_for(condition, processes: dict[str, subprocess.Popen], what: str, within: float):
    """Poll `condition` until it returns a truthy value; fail if a process dies first."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for name, process in processes.items():
            assert process.poll() is None, f"{name} exited with {process.returncode}"
        result = condition()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"not {what} within {within:.0f}s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, as a machine's service manager sends it; SIGKILL the session if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOPS_WITHIN_SECONDS)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_celery_worker_runs_the_load_and_the_dbt_build(
    tmp_path: Path, postgres_url: str, redis_url: str, sandbox: Sandbox
):
    port, log_server_port = free_port(), free_port()
    warehouse = tmp_path / "warehouse.duckdb"
    server_home = make_airflow_home(tmp_path / "server")
    worker_home = make_airflow_home(tmp_path / "worker")
    # What every machine shares: the secrets, the metadata database, the broker, the result
    # backend, where the api-server is; the warehouse and the sources' settings for the tasks.
    shared = {
        **{name: VALID[name] for name in SECRETS},
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": postgres_url,
        "AIRFLOW__CELERY__BROKER_URL": redis_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{postgres_url}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_server_port),
        **sandbox.client_settings(),
        "DESTINATION__DUCKDB__CREDENTIALS": str(warehouse),
        "RUNNER__LOCK_TIMEOUT_SECONDS": "600",
    }
    server_env = {
        **os.environ,
        **shared,
        "AIRFLOW_ADMIN_PASSWORD": VALID["AIRFLOW_ADMIN_PASSWORD"],
        "AIRFLOW_HOME": str(server_home),
        "PORT": str(port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",  # the test unpauses them
        "DLT_DATA_DIR": str(server_home / "dlt"),
    }
    for name in ("DBT_MANIFEST_PATH", "PROVIDERS__ENABLE_AIRFLOW_SECRETS"):
        server_env.pop(name, None)
    worker_env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/"),
        **shared,
        "AIRFLOW_HOME": str(worker_home),
        "DLT_DATA_DIR": str(worker_home / "dlt"),
    }

    server_log, worker_log = tmp_path / "server.log", tmp_path / "worker.log"
    processes: dict[str, subprocess.Popen] = {}
    sessions: set[int] = set()
    api = Api(f"http://127.0.0.1:{port}")
    try:
        with server_log.open("w") as output:
            processes["script/server --celery"] = subprocess.Popen(
                ["bash", str(PROJECT_ROOT / "script" / "server"), "--production", "--celery"],
                env=server_env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def healthy():
            try:
                status, health = api.call("GET", "/api/v2/monitor/health")
            except (urllib.error.URLError, ConnectionError):
                return None
            components = ("metadatabase", "scheduler", "dag_processor")
            return status == 200 and all(health[c]["status"] == "healthy" for c in components)

        wait_for(healthy, processes, "healthy", READY_WITHIN_SECONDS)

        # the other machine: its own home, only the shared settings
        with worker_log.open("w") as output:
            processes["script/server --worker"] = subprocess.Popen(
                ["bash", str(PROJECT_ROOT / "script" / "server"), "--production", "--worker"],
                env=worker_env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert api.sign_in(VALID["AIRFLOW_ADMIN_PASSWORD"]) == 201

        def serialised():
            status, body = api.call("GET", "/api/v2/dags?limit=100")
            ids = {dag["dag_id"] for dag in body.get("dags", [])} if status == 200 else set()
            return {LOAD_DAG, DBT_DAG} <= ids

        wait_for(serialised, processes, "serialised", READY_WITHIN_SECONDS)
        wait_for(
            lambda: re.search(r"celery@\S+ ready", worker_log.read_text()),
            processes,
            "worker ready",
            READY_WITHIN_SECONDS,
        )

        for dag_id in (DBT_DAG, LOAD_DAG):
            status, _ = api.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
            assert status == 200, dag_id
        status, run = api.call("POST", f"/api/v2/dags/{LOAD_DAG}/dagRuns", {"logical_date": None})
        assert status == 200, run
        load_run = run["dag_run_id"]

        def load_finished():
            status, run = api.call("GET", f"/api/v2/dags/{LOAD_DAG}/dagRuns/{load_run}")
            return run if status == 200 and run["state"] in ("success", "failed") else None

        run = wait_for(load_finished, processes, f"{LOAD_DAG} done", RUNS_WITHIN_SECONDS)
        assert run["state"] == "success"

        # Unpausing also starts the load's latest scheduled run: the dbt DAG may run twice.
        # Wait for the run that consumed the triggered load's Asset event, and for all to settle.
        def dbt_settled():
            status, body = api.call("GET", f"/api/v2/dags/{DBT_DAG}/dagRuns?limit=50")
            runs = body.get("dag_runs", []) if status == 200 else []
            if not runs or any(r["state"] in ("queued", "running") for r in runs):
                return None
            for dbt_run in runs:
                path = f"/api/v2/dags/{DBT_DAG}/dagRuns/{dbt_run['dag_run_id']}/upstreamAssetEvents"
                status, events = api.call("GET", path)
                sources = (
                    {e["source_run_id"] for e in events["asset_events"]} if status == 200 else ()
                )
                if load_run in sources:
                    return runs, dbt_run
            return None

        dbt_runs, dbt_run = wait_for(dbt_settled, processes, "dbt DAG done", RUNS_WITHIN_SECONDS)
        assert {(r["run_type"], r["state"]) for r in dbt_runs} == {("asset_triggered", "success")}

        task_instances = []
        for dag_id, run_id in ((LOAD_DAG, load_run), (DBT_DAG, dbt_run["dag_run_id"])):
            status, body = api.call(
                "GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=1000"
            )
            assert status == 200
            task_instances += body["task_instances"]
        assert len(task_instances) > 10  # the load's two, the dbt build's, the report
        assert {t["state"] for t in task_instances} == {"success"}
        assert {t["queue"] for t in task_instances} == {"default"}  # Celery's queue
        assert all(t["hostname"] for t in task_instances)

        # the api-server has no task log of its own: it reads the worker's log server
        status, task_log = api.call(
            "GET",
            f"/api/v2/dags/{LOAD_DAG}/dagRuns/{load_run}/taskInstances/load/logs/1?full_content=true",
        )
        assert status == 200 and "raw_notion" in str(task_log)
        assert f":{log_server_port}/log/" in str(task_log)

        for process in processes.values():
            sessions.add(process.pid)
    finally:
        for name in ("script/server --worker", "script/server --celery"):  # workers first
            if name in processes:
                stop(processes[name])
        for log in (server_log, worker_log):
            if log.exists():
                print(f"--- {log.name}\n{log.read_text()[-6000:]}")  # shown when the test fails

    # every process of both machines is gone
    for session in sessions:
        assert session_members(session) == set()
    text = server_log.read_text()
    started = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", text)]
    procfile = (PROJECT_ROOT / "Procfile").read_text().splitlines()
    assert len(started) == len([line for line in procfile if re.match(r"[\w-]+:", line)])
    assert all(process_gone(pid) for pid in started)

    # each task try went through Redis to the worker, which recorded its result in PostgreSQL
    worker_text = worker_log.read_text()
    for t in task_instances:
        assert re.search(
            rf"Executing workload in Celery: .*task_id='{t['task_id']}'.*dag_id='{t['dag_id']}'",
            worker_text,
        ), (t["dag_id"], t["task_id"])
    engine = sa.create_engine(postgres_url, poolclass=NullPool)
    with engine.connect() as metadata:
        results = metadata.exec_driver_sql("select status from celery_taskmeta").scalars().all()
    engine.dispose()
    assert len(results) >= len(task_instances) and set(results) == {"SUCCESS"}
    # the task logs were written on the worker's side only
    assert list((worker_home / "var" / "logs").glob(f"dag_id={LOAD_DAG}/**/*.log"))
    assert list((worker_home / "var" / "logs").glob(f"dag_id={DBT_DAG}/**/*.log"))
    assert not list((server_home / "var" / "logs").glob("dag_id=*"))

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        marts = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'analytics_marts'"
        ).fetchall()
        assert {"habit_streaks", "habit_completion", "contacts"} <= {name for (name,) in marts}
        habits = connection.execute("select count(*) from analytics_marts.habit_completion")
        assert habits.fetchone()[0] > 0

    source_secrets = [
        value
        for name, value in sandbox.client_settings().items()
        if re.search(r"API_KEY|TOKEN|SECRET", name) and not name.endswith("_URI")
    ]
    assert source_secrets
    for log in (server_log, worker_log):
        for secret in (*VALID.values(), REDIS_PASSWORD, POSTGRES_PASSWORD, *source_secrets):
            assert secret not in log.read_text(), log.name
