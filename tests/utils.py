"""Helpers shared by the tests: run an entry point, read the warehouse, assert loads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.registry import PipelineSpec
from pipelines.runner import main
from sandbox import Sandbox

FAST_BACKOFF_SECONDS = "0.001"


def fast_retries(monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    """Millisecond retry back-off for `sources.<source>`: faults must not slow the suite."""
    monkeypatch.setenv(f"SOURCES__{source.upper()}__RETRY_BACKOFF_SECONDS", FAST_BACKOFF_SECONDS)


class EntryPoint:
    """`python pipelines/<name>.py` run in-process; calling it returns the exit code.

    With pytest's `capsys`, the run's stdout and stderr are kept in `.output`.
    """

    def __init__(self, spec: PipelineSpec, capture: pytest.CaptureFixture[str] | None = None):
        self.spec = spec
        self.capture = capture
        self.output: Any = None

    def __call__(self, *argv: str) -> int:
        code = main(self.spec, ["--progress", "none", *argv])
        if self.capture is not None:
            self.output = self.capture.readouterr()
        return code


@dataclass
class PipelineEnv:
    root: Path
    sandbox: Sandbox

    @property
    def duckdb_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    def variables(self) -> dict[str, str]:
        return {
            "DLT_DATA_DIR": str(self.root / "dlt"),
            "DESTINATION__DUCKDB__CREDENTIALS": str(self.duckdb_path),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "DO_NOT_TRACK": "1",
            "PROVIDERS__ENABLE_AIRFLOW_SECRETS": "false",
            **self.sandbox.client_settings(),
        }

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as connection:
            return connection.execute(sql, params or []).fetchall()

    def columns(self, dataset: str, table: str) -> dict[str, str]:
        """Column name -> DuckDB type of a warehouse table."""
        rows = self.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [dataset, table],
        )
        return dict(rows)

    def row_counts(self, dataset: str) -> dict[str, int]:
        """Rows per data table of a dataset (dlt's own tables left out)."""
        tables = [
            r[0]
            for r in self.query(
                "select table_name from information_schema.tables where table_schema = ? "
                "and table_name not like '\\_dlt%' escape '\\' order by 1",
                [dataset],
            )
        ]
        return {t: self.query(f'select count(*) from "{dataset}"."{t}"')[0][0] for t in tables}
