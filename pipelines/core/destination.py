"""Which warehouse a run writes to: DuckDB by default, BigQuery when configured."""

from __future__ import annotations

import os
from pathlib import Path

import dlt
from dlt.common.destination import Destination

from . import bigquery, staging
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


def build_destination(name: str, *, offline: bool = False) -> Destination:
    """The dlt destination. BigQuery's credentials resolve here (see `bigquery`), without a
    request; `offline` (DDL only) leaves them unresolved."""
    if name == "duckdb":
        path = duckdb_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return dlt.destinations.duckdb(credentials=str(path))
    if offline:
        return dlt.destinations.bigquery()
    credentials = bigquery.resolve_credentials()
    bigquery.register_secrets(credentials)
    options: dict = {}
    if staging.staging_type():
        # Staged: parquet, but JSONL for tables with JSON columns (see `staging`).
        options.update(
            preferred_staging_file_format=staging.STAGED_FILE_FORMAT,
            loader_file_format_selector=staging.staged_file_format,
        )
    if bigquery.emulator_host():
        # Where the emulator departs from BigQuery (docs/bigquery.md): it reads no gzipped
        # load files, and takes one ADD COLUMN per ALTER TABLE (BigQuery takes many).
        os.environ.setdefault("NORMALIZE__DATA_WRITER__DISABLE_COMPRESSION", "true")
        options.update(alter_add_multi_column=False)
    return dlt.destinations.bigquery(credentials=credentials, **options)


def build_staging(name: str, destination: Destination) -> Destination | None:
    """The staging destination: None (direct loads) unless `staging_type` is `filesystem`,
    which only BigQuery takes (a GCS bucket, `destination.filesystem.bucket_url`)."""
    if not staging.staging_type():
        return None
    if name != "bigquery":
        raise SettingError(
            staging.STAGING_KEY,
            f"staging through a bucket is for BigQuery loads only, not {name}",
            secret=False,
            hint=f"Unset {staging.STAGING_KEY.upper()}, or load with --destination bigquery.",
        )
    return staging.build_staging(destination.config_params.get("credentials"))


def check_access(destination: Destination) -> None:
    """On BigQuery, obtain a token once: a refused credential exits 2 before any work."""
    credentials = destination.config_params.get("credentials")
    if isinstance(credentials, bigquery.ServiceAccountCredentials | bigquery.OAuthUserCredentials):
        bigquery.check_access(credentials.to_native_credentials())


def describe(name: str) -> str:
    if name == "duckdb":
        return f"duckdb file {duckdb_path()}"
    project = (
        dlt.config.get("destination.bigquery.credentials.project_id")
        or "(project from credentials)"
    )
    return f"bigquery project {project}"
