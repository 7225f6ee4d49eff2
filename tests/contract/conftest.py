"""Fixtures of the contract tests: an isolated warehouse, the stand-in source, and an
extra revision that adds a contracted column."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from dlt.pipeline.pipeline import Pipeline

from pipelines.contract import alembic_config as settings
from pipelines.core.paths import PROJECT_ROOT
from pipelines.runner import main
from tests.contract.sources import FakeGoogle, person


@dataclass
class Warehouse:
    root: Path

    @property
    def duckdb_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as connection:
            return connection.execute(sql, params or []).fetchall()

    def execute(self, sql: str) -> None:
        with duckdb.connect(str(self.duckdb_path)) as connection:
            connection.execute(sql)

    def columns(self, dataset: str, table: str) -> dict[str, tuple[str, str]]:
        """Column -> (DuckDB type, is_nullable) in table order."""
        rows = self.query(
            "select column_name, data_type, is_nullable from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [dataset, table],
        )
        return {name: (data_type, nullable) for name, data_type, nullable in rows}

    def rows(self, dataset: str, table: str) -> list[tuple]:
        return self.query(f'select * from "{dataset}"."{table}" order by all')

    def tables(self, dataset: str) -> list[str]:
        rows = self.query(
            "select table_name from information_schema.tables where table_schema = ? order by 1",
            [dataset],
        )
        return [r[0] for r in rows]

    def pipeline(self, name: str) -> Pipeline:
        return dlt.attach(pipeline_name=name)


@pytest.fixture(autouse=True)
def settings_from_env_and_toml_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No telemetry, and no Airflow Variables lookups outside Airflow."""
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    monkeypatch.setenv("PROVIDERS__ENABLE_AIRFLOW_SECRETS", "false")


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """A fresh DuckDB warehouse and dlt working folder, chosen by the usual settings."""
    here = Warehouse(tmp_path)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(here.duckdb_path))
    monkeypatch.delenv("DESTINATION_TYPE", raising=False)
    return here


@pytest.fixture
def google() -> FakeGoogle:
    return FakeGoogle(rows=[person(n) for n in range(1, 6)])


@pytest.fixture
def loaded(warehouse: Warehouse, google: FakeGoogle) -> Warehouse:
    """A warehouse that already holds raw_google.contacts rows."""
    assert main(google.spec(), ["--progress", "none"]) == 0
    return warehouse


NICKNAME_REVISION = '''
    """raw_google: nickname joins the contract

    Revision ID: 0099
    Revises: {head}
    """

    from alembic import op

    from migrations.ddl import column

    revision = "0099"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        op.add_column("contacts", column("nickname", "text"), schema="raw_google")


    def downgrade() -> None:
        op.drop_column("contacts", "nickname", schema="raw_google")
'''


@pytest.fixture
def nickname_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A later revision that adds raw_google.contacts.nickname, as a developer would."""
    from pipelines.contract.head import head_revision

    versions = tmp_path / "more_versions"
    versions.mkdir()
    (versions / "0099_nickname.py").write_text(
        textwrap.dedent(NICKNAME_REVISION).format(head=head_revision())
    )
    ini = tmp_path / "alembic.ini"
    ini.write_text(
        "[alembic]\n"
        f"script_location = {PROJECT_ROOT / 'migrations'}\n"
        f"version_locations = {PROJECT_ROOT / 'migrations' / 'versions'}"
        f" {versions}\n"
        "path_separator = space\n"
    )
    monkeypatch.setattr(settings, "ALEMBIC_INI", ini)
    yield "0099"
