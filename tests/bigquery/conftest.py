"""The BigQuery emulator for the tests: started once per session by script/bigquery-emulator.

The script builds the emulator's own environment on first use (its pinned requirements and
DuckDB's spatial extension), so the first start takes a while; later ones take seconds.
The emulator must start: a test that needs it fails, never skips, when it does not.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo.bigquery import EmulatorDidNotStart, start_emulator
from sandbox import Sandbox
from sandbox.google_people.oauth import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.utils import PipelineEnv

EMULATOR_PROJECT = "local"
# First start installs the emulator's environment (a package download on a fresh clone).
START_TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class Emulator:
    host: str  # what BIGQUERY_EMULATOR_HOST is set to
    project: str = EMULATOR_PROJECT


@pytest.fixture(scope="session")
def bigquery_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """script/bigquery-emulator, started as the demo starts it."""
    log = tmp_path_factory.mktemp("bigquery-emulator") / "emulator.log"
    try:
        process, host = start_emulator(log, EMULATOR_PROJECT, START_TIMEOUT_SECONDS)
    except EmulatorDidNotStart as error:
        pytest.fail(f"{error}:\n{tail(log)}")
    try:
        yield Emulator(host)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def oauth_settings(sandbox: Sandbox, emulator: Emulator) -> dict[str, str]:
    """BigQuery as a new user configures it: OAuth user credentials, the sandbox's token endpoint."""
    return {
        "BIGQUERY_EMULATOR_HOST": emulator.host,
        "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID": emulator.project,
        "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_ID": CLIENT_ID,
        "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_SECRET": CLIENT_SECRET,
        "DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN": REFRESH_TOKEN,
        "DESTINATION__BIGQUERY__CREDENTIALS__TOKEN_URI": f"{sandbox.base_url}/oauth2/token",
        "DESTINATION__BIGQUERY__LOCATION": "US",
    }


@pytest.fixture
def bigquery_env(
    pipeline_env: PipelineEnv,
    bigquery_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[PipelineEnv]:
    """pipeline_env, with BigQuery pointed at the emulator through OAuth user credentials."""
    for key, value in oauth_settings(pipeline_env.sandbox, bigquery_emulator).items():
        monkeypatch.setenv(key, value)
    yield pipeline_env
    # Set by the destination for the emulator (pipelines/core/destination.py).
    os.environ.pop("NORMALIZE__DATA_WRITER__DISABLE_COMPRESSION", None)
