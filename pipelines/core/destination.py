"""Which warehouse a run writes to: DuckDB by default, BigQuery when configured."""

from __future__ import annotations

from pathlib import Path

import dlt
from dlt.common.destination import Destination

from .paths import PROJECT_ROOT
from .settings import SettingError

DEFAULT_DUCKDB_PATH = PROJECT_ROOT / "data" / "personal_reporting.duckdb"
SUPPORTED = ("duckdb", "bigquery")


def destination_name(flag: str | None) -> str:
    """`--destination` wins, then dlt's `destination_type` setting, then DuckDB."""
    name = flag or dlt.config.get("destination_type") or "duckdb"
    name = str(name).rsplit(".", 1)[-1]
    if name not in SUPPORTED:
        raise SettingError(
            "destination_type",
            f"unsupported destination {name!r} (use one of {', '.join(SUPPORTED)})",
            secret=False,
        )
    return name


def duckdb_path() -> Path:
    """DESTINATION__DUCKDB__CREDENTIALS when set (relative to the project root), else the default file."""
    configured = dlt.config.get("destination.duckdb.credentials")
    if configured and isinstance(configured, str) and configured != ":memory:":
        path = Path(configured).expanduser()
        return path if path.is_absolute() else PROJECT_ROOT / path
    return DEFAULT_DUCKDB_PATH


def build_destination(name: str) -> Destination:
    if name == "duckdb":
        path = duckdb_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return dlt.destinations.duckdb(credentials=str(path))
    return dlt.destinations.bigquery()


def describe(name: str) -> str:
    if name == "duckdb":
        return f"duckdb file {duckdb_path()}"
    project = (
        dlt.config.get("destination.bigquery.credentials.project_id")
        or "(project from credentials)"
    )
    return f"bigquery project {project}"
