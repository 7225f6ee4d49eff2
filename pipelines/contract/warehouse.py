"""The warehouse the migrations run against, taken from the pipelines' own settings.

One configuration drives both: DuckDB or BigQuery is chosen exactly as the entry scripts
choose it (`--destination`, then `destination_type`, then DuckDB), and the DuckDB file,
BigQuery project, location and credentials resolve through dlt's config providers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from dlt.common.destination import Destination
from dlt.pipeline.pipeline import Pipeline
from sqlalchemy.pool import NullPool

from pipelines.core import bigquery
from pipelines.core import destination as destinations

# Alembic's version table lives in a dataset of its own, next to the raw datasets.
VERSION_DATASET = "raw_contract"


@dataclass(frozen=True)
class Warehouse:
    kind: str  # "duckdb" or "bigquery"
    url: sa.URL
    location: str | None = None  # BigQuery location of new datasets
    credentials: Any = field(default=None, repr=False, compare=False)  # google-auth object

    def describe(self) -> str:
        if self.kind == "duckdb":
            return f"duckdb file {self.url.database}"
        return f"bigquery project {self.url.host or '(from credentials)'} ({self.location})"

    def check_access(self) -> None:
        """BigQuery: obtain a token once, so refused credentials exit 2 naming the setting."""
        if self.kind == "bigquery" and self.credentials is not None:
            bigquery.check_access(self.credentials)

    def engine(self) -> sa.Engine:
        """An engine that holds no connection once disposed (DuckDB allows one writer)."""
        if self.kind == "duckdb":
            if self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            return sa.create_engine(self.url, poolclass=NullPool)
        from google.cloud import bigquery

        client = bigquery.Client(
            project=self.url.host, credentials=self.credentials, location=self.location
        )
        url = self.url.update_query_dict({"user_supplied_client": "true"})
        return sa.create_engine(url, connect_args={"client": client}, poolclass=NullPool)


def from_config(kind: str, config: Any) -> Warehouse:
    """Build from a resolved (or, offline, partially resolved) dlt destination config."""
    if kind == "duckdb":
        return Warehouse(
            "duckdb", sa.URL.create("duckdb", database=str(config.credentials.database))
        )
    credentials = config.credentials
    project = config.project_id or (credentials.project_id if credentials else None)
    native = (
        credentials.to_native_credentials() if credentials and credentials.is_resolved() else None
    )
    return Warehouse("bigquery", sa.URL.create("bigquery", host=project), config.location, native)


def for_pipeline(pipeline: Pipeline) -> Warehouse:
    """The warehouse a pipeline loads into, resolved the way its load step resolves it."""
    kind = pipeline.destination.destination_type.rsplit(".", 1)[-1]
    if kind not in destinations.SUPPORTED:
        raise ValueError(f"raw contracts support {destinations.SUPPORTED}, not {kind!r}")
    return from_config(kind, pipeline.destination_client().config)


def from_settings(flag: str | None = None, *, offline: bool = False) -> Warehouse:
    """The warehouse the entry scripts would load into with the same `--destination` flag.

    Offline (`alembic upgrade head --sql`) needs no credentials: only the dialect and
    the BigQuery location matter for the DDL.
    """
    kind = destinations.destination_name(flag)
    if kind == "duckdb":
        path = destinations.duckdb_path()
        return Warehouse("duckdb", sa.URL.create("duckdb", database=str(path)))
    destination: Destination = destinations.build_destination(kind, offline=offline)
    initial = destination.spec()
    initial.dataset_name = VERSION_DATASET  # any dataset: the migrations name their own
    return from_config(kind, destination.configuration(initial, accept_partial=offline))
