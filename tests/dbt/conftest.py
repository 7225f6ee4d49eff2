"""One warehouse for every dbt test: each source loaded once from the sandbox, then dbt build.

Loading and building take most of the time, so the tests share them and only read the
warehouse; a test that changes data works on its own copy of the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pipelines.registry import PIPELINES
from pipelines.runner import main
from pipelines.core.paths import PROJECT_ROOT
from sandbox import Sandbox
from tests.conftest import SANDBOX_ANCHOR
from tests.utils import PipelineEnv

DBT_PROJECT = PROJECT_ROOT / "dbt" / "personal"
SEED = 7
# Days since last contact are counted to the sample data's last day, not to today.
AS_OF_VARS = f"{{as_of_date: '{SANDBOX_ANCHOR.isoformat()}'}}"


@dataclass
class DbtRun:
    """One dbt command: its exit code, output and the artifacts it wrote."""

    returncode: int
    output: str
    target: Path

    @property
    def success(self) -> bool:
        return self.returncode == 0

    def artifact(self, name: str) -> dict[str, Any]:
        return json.loads((self.target / name).read_text())

    def statuses(self, artifact: str = "run_results.json") -> dict[str, str]:
        """unique_id -> status of every node the command ran."""
        return {r["unique_id"]: r["status"] for r in self.artifact(artifact)["results"]}


def run_dbt(*args: str, work_dir: Path) -> DbtRun:
    """The dbt executable on the project, as the demo and Airflow run it.

    A separate process, so DuckDB is free for the test once dbt ends (dbt-duckdb keeps
    its database open for the life of the process). target/ and logs/ go to work_dir.
    """
    target = work_dir / "target"
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(target),
        "--log-path",
        str(work_dir / "logs"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    print(done.stdout, done.stderr)  # shown by pytest when a test fails
    return DbtRun(done.returncode, done.stdout + done.stderr, target)


@dataclass
class Warehouse:
    """The loaded and built DuckDB file, and dbt bound to it."""

    env: PipelineEnv
    work_dir: Path
    build: DbtRun | None = field(default=None)

    @property
    def path(self) -> Path:
        return self.env.duckdb_path

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        return self.env.query(sql, params)

    def dbt(self, *args: str) -> DbtRun:
        return run_dbt(*args, "--vars", AS_OF_VARS, work_dir=self.work_dir)


def load_sources(sandbox: Sandbox) -> None:
    for spec in PIPELINES:
        assert main(spec, ["--progress", "none"]) == 0, f"{spec.entry_script} failed"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    root = tmp_path_factory.mktemp("warehouse")
    with (
        Sandbox(port=0, seed=SEED, anchor=SANDBOX_ANCHOR) as sandbox,
        pytest.MonkeyPatch.context() as patch,
    ):
        env = PipelineEnv(root=root, sandbox=sandbox)
        for key, value in env.variables().items():
            patch.setenv(key, value)
        patch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        patch.delenv("DBT_TARGET", raising=False)
        load_sources(sandbox)
        built = Warehouse(env=env, work_dir=root / "dbt")
        built.build = built.dbt("build")
        yield built
