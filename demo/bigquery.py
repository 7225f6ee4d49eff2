"""`script/demo --destination bigquery`: the demo on the production path, offline.

Starts the BigQuery emulator (script/bigquery-emulator), points the pipelines at it with
OAuth user credentials refreshed at the sandbox's token endpoint, loads in full and then
incrementally, and runs `dbt build --target bigquery`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

from demo.__main__ import DEMO_DIR, build_dbt, run_pipeline, sample_changes
from pipelines.core.paths import PROJECT_ROOT
from pipelines.registry import PIPELINES
from sandbox import Sandbox
from sandbox.google_people.oauth import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN

PROJECT = "local"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class EmulatorDidNotStart(RuntimeError):
    """The emulator exited, or did not answer in time; its log says why."""


def start_emulator(
    log: Path, project: str = PROJECT, timeout: float = 600.0
) -> tuple[subprocess.Popen, str]:
    """Start script/bigquery-emulator on free ports; its process and base URL once it answers.

    The first start also builds the emulator's own environment, hence the long timeout.
    """
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(PROJECT_ROOT / "script" / "bigquery-emulator"),
                "start",
                str(port),
                str(free_port()),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "BIGQUERY_EMULATOR_PROJECT": project},
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while not answers(f"{host}/bigquery/v2/projects/{project}/datasets"):
        if process.poll() is not None:
            raise EmulatorDidNotStart(f"the BigQuery emulator exited ({process.returncode})")
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            raise EmulatorDidNotStart(f"the BigQuery emulator did not answer on {host}")
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.2)  # an exit, or a moment before asking again
    return process, host


def run_on_emulator(keep: bool) -> int:
    target = DEMO_DIR / "bigquery"
    if not keep and target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    print("==> Starting the BigQuery emulator (script/bigquery-emulator)", flush=True)
    try:
        process, host = start_emulator(target / "emulator.log")
    except EmulatorDidNotStart as error:
        print(f"error: {error}; see {target / 'emulator.log'}", file=sys.stderr)
        return 1
    try:
        with Sandbox(port=0) as sandbox:
            os.environ.update(
                {
                    **sandbox.client_settings(),
                    "DLT_DATA_DIR": str(target / "dlt"),
                    "DESTINATION_TYPE": "bigquery",
                    "BIGQUERY_EMULATOR_HOST": host,
                    "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID": PROJECT,
                    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_ID": CLIENT_ID,
                    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_SECRET": CLIENT_SECRET,
                    "DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN": REFRESH_TOKEN,
                    "DESTINATION__BIGQUERY__CREDENTIALS__TOKEN_URI": f"{sandbox.base_url}/oauth2/token",
                    "DESTINATION__BIGQUERY__LOCATION": "US",
                }
            )
            print(f"==> BigQuery emulator on {host}; sandbox APIs on {sandbox.base_url}")
            for step in ("First load", "Incremental load"):
                if step == "Incremental load":
                    for change in sample_changes(sandbox):
                        print(f"  - {change}")
                for spec in PIPELINES:
                    print(f"\n==> {step}: {spec.name}", flush=True)
                    loaded = run_pipeline(spec)
                    if loaded is None:
                        return 1
                    print("    " + ", ".join(f"{t}: {n}" for t, n in loaded.items()))
            code = build_dbt(os.environ.copy(), target="bigquery")
            if code != 0:
                print("dbt build failed: see the output above.", file=sys.stderr)
                return 1
            print("    every model and data test passed on the emulator")
            return 0
    finally:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
