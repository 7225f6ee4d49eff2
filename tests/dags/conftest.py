"""Airflow for the DAG tests: a private AIRFLOW_HOME, the dags folder importable, a dbt manifest.

Each test's AIRFLOW_HOME links the project's airflow.cfg, webserver_config.py, dags/ and
plugins/, so the tests run with the committed settings while their runtime files (the
SQLite database, logs) stay in a temporary folder. Airflow reads its configuration when
first imported, so the environment is set here, before any test module imports it. The dag-processor puts the dags folder on sys.path;
the tests do the same so `personal.common` imports as it does in production.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.core.paths import PROJECT_ROOT

DAGS_FOLDER = PROJECT_ROOT / "dags"
DBT_PROJECT = PROJECT_ROOT / "dbt" / "personal"
VENV_BIN = Path(sys.executable).parent

LINKED_FROM_PROJECT = ("airflow.cfg", "webserver_config.py", "dags", "plugins")


def make_airflow_home(home: Path) -> Path:
    """An AIRFLOW_HOME with the project's settings and DAGs, and runtime files of its own."""
    home.mkdir(parents=True, exist_ok=True)
    for name in LINKED_FROM_PROJECT:
        if (PROJECT_ROOT / name).exists() and not (home / name).exists():
            (home / name).symlink_to(PROJECT_ROOT / name)
    return home


_AIRFLOW_HOME = tempfile.TemporaryDirectory(prefix="airflow-home-")
make_airflow_home(Path(_AIRFLOW_HOME.name))
os.environ.update({"AIRFLOW_HOME": _AIRFLOW_HOME.name, "DO_NOT_TRACK": "1"})
for _setting in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__DAGS_FOLDER"):
    os.environ.pop(_setting, None)  # from airflow.cfg, relative to the home above
if str(DAGS_FOLDER) not in sys.path:
    sys.path.insert(0, str(DAGS_FOLDER))


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`dbt parse` as script/server runs it; the dbt DAG renders from this manifest."""
    work = tmp_path_factory.mktemp("dbt")
    done = subprocess.run(
        [
            str(VENV_BIN / "dbt"),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = work / "target" / "manifest.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_MANIFEST_PATH", str(manifest))
        yield manifest


@pytest.fixture(scope="session")
def dag_bag(dbt_manifest: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of an Airflow command run in its own process, its home in `home`.

    The metadata database is `home/var/airflow.db` (airflow.cfg's setting).
    """
    make_airflow_home(home)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.update(extra)
    return env
