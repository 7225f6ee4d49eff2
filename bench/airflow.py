"""Airflow on one small instance: DAG parse time, idle and peak memory, the dbt DAG's wall time.

Starts `script/server` (local mode, SQLite) in a temporary AIRFLOW_HOME that links the
project's airflow.cfg and DAGs, with the sandbox APIs served from a process of their own.
Memory is PSS summed over every process script/server started (honcho, api-server,
scheduler, dag-processor, executor workers, task processes and their dbt), read from
/proc/<pid>/smaps_rollup: idle once the DAGs are parsed and nothing runs, peak while the
three loads and the Asset-triggered dbt DAG run. The dbt DAG's wall time (its last run, the
one that saw all three sources) is set against a plain `dbt build` of the same project on
the same warehouse file, after Airflow stopped. The full run measures both Cosmos execution
modes (watcher, the default, and local: one dbt process per model and per test).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

from .core import ROOT, Options, Record, record

MIB = 1024 * 1024
IDLE_TARGET_MIB = 700
PEAK_TARGET_MIB = 1400 * 1000 * 1000 / MIB  # 1.4 GB
PARSE_TARGET_SECONDS = 0.3
DBT_RATIO_TARGET = 1.5
LOAD_DAGS = (
    "raw_notion__habits__incremental",
    "raw_hubspot__crm__incremental",
    "raw_google__contacts__incremental",
)
DBT_DAG = "transform_personal__marts__build"
LINKED = ("airflow.cfg", "webserver_config.py", "dags", "plugins")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(root: int) -> list[int]:
    """`root` and every process below it (children read from /proc/<pid>/task/*/children)."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        with suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                queue.extend(int(c) for c in (task / "children").read_text().split())
    return found


def pss_mib(pids: list[int]) -> float:
    total_kib = 0
    for pid in pids:
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


def process_name(pid: int) -> str:
    with suppress(OSError):
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        text = " ".join(w.decode(errors="replace") for w in words if w)
        names = {
            "api_server": "api-server",
            "api-server": "api-server",
            "LocalExecutor": "executor workers",
            "dag-processor": "dag-processor",
            "dag_processor": "dag-processor",
            "scheduler": "scheduler",
            "honcho": "honcho",
            "celery": "celery",
        }
        for needle, name in names.items():
            if needle in text:
                return name
        return "other"
    return "gone"


class Api:
    def __init__(self, base: str, password: str) -> None:
        self.base, self.token = base, None
        self.password = password

    def call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, {}
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, {}

    def sign_in(self) -> bool:
        status, body = self.call(
            "POST", "/auth/token", {"username": "admin", "password": self.password}
        )
        self.token = body.get("access_token") if status == 201 else None
        return bool(self.token)


def wait(condition: Callable[[], object], seconds: float, what: str, poll: float = 1.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(poll)
    raise RuntimeError(f"Airflow benchmark: not {what} within {seconds:.0f} s")


@contextmanager
def sandbox_process(work: Path):
    settings = work / "sandbox.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.serve", "--settings", str(settings)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ready = wait(lambda: settings.exists() and settings.read_text(), 120, "sandbox ready", 0.2)
        yield json.loads(ready)["env"]
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def airflow_server(work: Path, sandbox_env: dict[str, str], execution_mode: str):
    home = work / "airflow"
    home.mkdir()
    for name in LINKED:
        if (ROOT / name).exists():
            (home / name).symlink_to(ROOT / name)
    port = free_port()
    password = "bench-admin-password-0123"
    env = {
        **os.environ,
        **sandbox_env,
        "AIRFLOW_HOME": str(home),
        "PORT": str(port),
        "AIRFLOW_ADMIN_PASSWORD": password,
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "DESTINATION__DUCKDB__CREDENTIALS": str(work / "warehouse.duckdb"),
        "DLT_DATA_DIR": str(work / "dlt"),
        "DBT_EXECUTION_MODE": execution_mode,
        "RUNNER__LOCK_TIMEOUT_SECONDS": "900",
    }
    env.pop("DBT_MANIFEST_PATH", None)
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        ["bash", str(ROOT / "script" / "server")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield server, Api(f"http://127.0.0.1:{port}", password)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def one_elt(options: Options, execution_mode: str) -> dict[str, float]:
    """Start Airflow, measure idle PSS, run the ELT through it; figures of that run."""
    with tempfile.TemporaryDirectory(prefix="bench-airflow-") as tmp:
        work = Path(tmp)
        with (
            sandbox_process(work) as sandbox_env,
            airflow_server(work, sandbox_env, execution_mode) as (server, api),
        ):

            def ready():
                status, health = api.call("GET", "/api/v2/monitor/health")
                parts = ("metadatabase", "scheduler", "dag_processor")
                healthy = status == 200 and all(health[p]["status"] == "healthy" for p in parts)
                return (
                    healthy
                    and api.sign_in()
                    and len(api.call("GET", "/api/v2/dags")[1].get("dags", [])) >= 4
                )

            wait(ready, 300, "ready")
            time.sleep(20)  # settle: nothing runs, the parse loop is idle (measurement only)
            idle_samples = []
            for _ in range(5):
                idle_samples.append(pss_mib(descendants(server.pid)))
                time.sleep(1)
            by_process: dict[str, float] = {}
            for pid in descendants(server.pid):
                name = process_name(pid)
                by_process[name] = by_process.get(name, 0.0) + pss_mib([pid])

            for dag_id in (DBT_DAG, *LOAD_DAGS):
                api.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
            started = time.monotonic()
            for dag_id in LOAD_DAGS:
                api.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
            peak = 0.0

            def settled():
                nonlocal peak
                peak = max(peak, pss_mib(descendants(server.pid)))
                runs = []
                for dag_id in (*LOAD_DAGS, DBT_DAG):
                    status, body = api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=20")
                    if status != 200:
                        return None
                    runs.append((dag_id, body.get("dag_runs", [])))
                if any(r["state"] in ("queued", "running") for _, rs in runs for r in rs):
                    return None
                loads_done = all(
                    any(r["run_type"] == "manual" for r in rs) for d, rs in runs if d != DBT_DAG
                )
                dbt_runs = [r for d, rs in runs if d == DBT_DAG for r in rs]
                last_load_end = max(r["end_date"] for d, rs in runs if d != DBT_DAG for r in rs)
                after = [
                    r for r in dbt_runs if r["start_date"] and r["start_date"] >= last_load_end
                ]
                return (loads_done and after) or None

            dbt_after = wait(settled, 1800, "ELT finished", 0.5)
            elt_seconds = time.monotonic() - started
            last = max(dbt_after, key=lambda r: r["start_date"])
            if last["state"] != "success":
                raise RuntimeError(f"the dbt DAG run failed: {last}")
            dbt_dag_seconds = _seconds(last["start_date"], last["end_date"])
        dbt_build = [_dbt_build_seconds(work) for _ in range(options.runs)]
    return {
        "idle": statistics.median(idle_samples),
        "peak": peak,
        "elt": elt_seconds,
        "dbt_dag": dbt_dag_seconds,
        "dbt_build": statistics.median(dbt_build),
        **{f"idle {name}": mib for name, mib in by_process.items()},
    }


def _seconds(start: str, end: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _dbt_build_seconds(work: Path) -> float:
    project = ROOT / "dbt" / "personal"
    env = {**os.environ, "DESTINATION__DUCKDB__CREDENTIALS": str(work / "warehouse.duckdb")}
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "--quiet",
        "build",
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(work / "dbt-target"),
        "--log-path",
        str(work / "dbt-logs"),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"dbt build failed:\n{done.stdout[-3000:]}")
    return time.perf_counter() - started


def parse_seconds(runs: int) -> list[list[float]]:
    """The slowest DAG file's parse time, per run.

    Cold: the first parse in a fresh interpreter, with the imports a file brings (cosmos
    for the dbt DAG; the dag-processor pre-imports only Airflow's own modules). Warm: a
    second parse in the same interpreter, what the file itself costs.
    """
    code = (
        "import json, sys; sys.path.insert(0, 'dags');"
        "from airflow.dag_processing.dagbag import DagBag;"
        "slowest = lambda bag: max(s.duration.total_seconds() for s in bag.dagbag_stats);"
        "cold = slowest(DagBag(dag_folder='dags'));"
        "print(json.dumps([cold, slowest(DagBag(dag_folder='dags'))]))"
    )
    values = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-parse-") as home:
            for name in LINKED:
                if (ROOT / name).exists():
                    (Path(home) / name).symlink_to(ROOT / name)
            manifest = Path(home) / "manifest"
            subprocess.run(
                [
                    str(Path(sys.executable).parent / "dbt"),
                    "parse",
                    "--quiet",
                    "--project-dir",
                    "dbt/personal",
                    "--profiles-dir",
                    "dbt/personal",
                    "--target-path",
                    str(manifest),
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            env = {
                **os.environ,
                "AIRFLOW_HOME": home,
                "DBT_MANIFEST_PATH": str(manifest / "manifest.json"),
            }
            done = subprocess.run(
                [sys.executable, "-c", code],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            values.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return values


def run(options: Options) -> list[Record]:
    parses = parse_seconds(options.runs)
    records = [
        record("Airflow: parse time, slowest DAG file, cold", "s", [c for c, _ in parses]),
        record(
            "Airflow: parse time, slowest DAG file",
            "s",
            [w for _, w in parses],
            PARSE_TARGET_SECONDS,
        ),
    ]
    modes = ("watcher",) if options.quick else ("watcher", "local")
    for mode in modes:
        figures = [one_elt(options, mode) for _ in range(1 if options.quick else 2)]
        label = "" if mode == "watcher" else f" ({mode} mode)"
        ratios = [f["dbt_dag"] / f["dbt_build"] for f in figures]
        if mode == "watcher":
            records.append(
                record(
                    "Airflow: idle PSS, all processes",
                    "MiB",
                    [f["idle"] for f in figures],
                    IDLE_TARGET_MIB,
                )
            )
            names = sorted({k for f in figures for k in f if k.startswith("idle ")} - {"idle"})
            for name in names:
                records.append(
                    record(
                        f"Airflow: idle PSS, {name[5:]}", "MiB", [f.get(name, 0.0) for f in figures]
                    )
                )
        records.append(
            record(
                f"Airflow: peak PSS, full ELT + dbt{label}",
                "MiB",
                [f["peak"] for f in figures],
                round(PEAK_TARGET_MIB),
            )
        )
        records.append(
            record(f"Airflow: dbt DAG wall time{label}", "s", [f["dbt_dag"] for f in figures])
        )
        records.append(
            record(
                "Airflow: plain dbt build, same warehouse", "s", [f["dbt_build"] for f in figures]
            )
            if mode == "watcher"
            else None
        )
        records.append(
            record(f"Airflow: dbt DAG / dbt build{label}", "x", ratios, DBT_RATIO_TARGET)
        )
        records.append(
            record(
                f"Airflow: three loads + dbt DAG, end to end{label}",
                "s",
                [f["elt"] for f in figures],
            )
        )
    return [r for r in records if r is not None]
