"""The migrations build the contracted raw tables, in the types dlt writes, on DuckDB
and (offline) BigQuery, and undo them cleanly."""

from __future__ import annotations

import io
from argparse import Namespace

import dlt
import pytest
import sqlglot
from alembic import command
from sqlglot import exp

from pipelines.contract.alembic_config import alembic_config
from pipelines.contract.head import head_contract
from pipelines.contract.warehouse import VERSION_DATASET
from pipelines.registry import RAW_DATASETS
from tests.contract.conftest import Warehouse


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


def raw_layout(warehouse: Warehouse) -> dict[str, dict[str, tuple[str, str]]]:
    return {
        f"{dataset}.{table}": warehouse.columns(dataset, table)
        for dataset in RAW_DATASETS
        for table in warehouse.tables(dataset)
    }


def version(warehouse: Warehouse) -> list[tuple]:
    return warehouse.query(f"select version_num from {VERSION_DATASET}.alembic_version")


def test_head_holds_the_designed_contract() -> None:
    contract = head_contract()
    shape = {
        t.qualified_name: {c.name: c.describe() for c in t.columns if not c.is_dlt_bookkeeping}
        for t in contract.tables
    }
    page = {
        "id": "text NOT NULL",
        "created_time": "timestamp",
        "last_edited_time": "timestamp",
        "url": "text",
        "is_deleted": "bool NOT NULL",
    }
    crm = {
        "id": "text NOT NULL",
        "created_at": "timestamp",
        "updated_at": "timestamp",
        "is_deleted": "bool NOT NULL",
        "deleted_at": "timestamp",
    }
    assert shape == {
        "raw_notion.daily_habits": page,
        "raw_notion.weekly_habits": page,
        "raw_hubspot.contacts": crm,
        "raw_hubspot.companies": crm,
        "raw_hubspot.engagements": {**crm, "engagement_type": "text NOT NULL"},
        "raw_hubspot.associations": {
            "from_object_type": "text NOT NULL",
            "from_id": "text NOT NULL",
            "to_object_type": "text NOT NULL",
            "to_id": "text NOT NULL",
            "association_type_id": "bigint NOT NULL",
            "association_label": "text",
            "is_deleted": "bool NOT NULL",
        },
        "raw_google.contacts": {
            "resource_name": "text NOT NULL",
            "etag": "text",
            "display_name": "text",
            "given_name": "text",
            "family_name": "text",
            "primary_email": "text",
            "emails": "json",
            "phone_numbers": "json",
            "organization": "text",
            "job_title": "text",
            "birthday": "date",
            "birthday_month": "bigint",
            "birthday_day": "bigint",
            "updated_at": "timestamp",
            "is_deleted": "bool NOT NULL",
        },
    }
    keys = {t.qualified_name: t.primary_key for t in contract.tables}
    assert keys["raw_hubspot.associations"] == (
        "from_object_type",
        "from_id",
        "to_object_type",
        "to_id",
        "association_type_id",
    )
    assert keys["raw_google.contacts"] == ("resource_name",)
    assert {keys[f"raw_notion.{t}"] for t in ("daily_habits", "weekly_habits")} == {("id",)}


def test_upgrade_downgrade_upgrade_on_duckdb(warehouse: Warehouse) -> None:
    upgrade()
    built = raw_layout(warehouse)
    assert version(warehouse) == [(head_contract().revision,)]
    # every column in exactly the type dlt creates for its dlt data type
    mapper = dlt.destinations.duckdb().capabilities().get_type_mapper()
    for table in head_contract().tables:
        expected = {
            c.name: (
                mapper.to_destination_type(c.__dict__, {"name": table.name, "columns": {}}),
                "YES" if c.nullable else "NO",
            )
            for c in table.columns
        }
        assert built[table.qualified_name] == expected

    downgrade("base")
    assert raw_layout(warehouse) == {}
    assert (
        warehouse.query(
            "select schema_name from information_schema.schemata where schema_name like 'raw\\_%' "
            "escape '\\' and schema_name != ?",
            [VERSION_DATASET],
        )
        == []
    )
    assert version(warehouse) == []

    upgrade()
    assert raw_layout(warehouse) == built


def test_step_by_step_upgrade_reaches_the_same_warehouse(warehouse: Warehouse) -> None:
    upgrade("0001")
    assert set(raw_layout(warehouse)) == {"raw_notion.daily_habits", "raw_notion.weekly_habits"}
    upgrade("+1")
    upgrade("head")
    layout = raw_layout(warehouse)
    downgrade("-1")
    assert "raw_google.contacts" not in raw_layout(warehouse)
    upgrade("head")
    assert raw_layout(warehouse) == layout


def test_downgrade_keeps_a_dataset_that_dlt_has_loaded(loaded: Warehouse) -> None:
    """dlt's own tables live beside the contracted ones; a downgrade refuses to drop them,
    and DuckDB's transactional DDL leaves the warehouse as it was."""
    before = loaded.rows("raw_google", "contacts")
    with pytest.raises(Exception, match="raw_google"):
        downgrade("0002")
    assert loaded.rows("raw_google", "contacts") == before
    assert version(loaded) == [(head_contract().revision,)]


def offline_bigquery_ddl(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DESTINATION__BIGQUERY__LOCATION", "europe-west3")
    monkeypatch.delenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", raising=False)
    config = alembic_config()
    config.output_buffer = io.StringIO()
    config.cmd_opts = Namespace(x=["destination=bigquery"])
    command.upgrade(config, "head", sql=True)
    return config.output_buffer.getvalue()


def test_offline_bigquery_ddl_is_dataset_qualified_and_typed_as_dlt_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ddl = offline_bigquery_ddl(monkeypatch)
    statements = [s for s in sqlglot.parse(ddl, read="bigquery") if s is not None]

    datasets = {
        s.this.db: s.sql("bigquery")
        for s in statements
        if isinstance(s, exp.Create) and s.kind == "SCHEMA"
    }
    assert set(datasets) == {*RAW_DATASETS, VERSION_DATASET}
    assert all("europe-west3" in sql for sql in datasets.values())

    tables = {}
    for statement in statements:
        if isinstance(statement, exp.Create) and statement.kind == "TABLE":
            table = statement.this.this
            assert table.db, f"{table.name} is not dataset-qualified"
            tables[f"{table.db}.{table.name}"] = {
                column.name: (
                    column.args["kind"].sql("bigquery"),
                    any(
                        isinstance(c.kind, exp.NotNullColumnConstraint) for c in column.constraints
                    ),
                )
                for column in table.parent.expressions
                if isinstance(column, exp.ColumnDef)
            }
    mapper = dlt.destinations.bigquery().capabilities().get_type_mapper()
    for table in head_contract().tables:
        assert tables[table.qualified_name] == {
            c.name: (
                mapper.to_destination_type(c.__dict__, {"name": table.name, "columns": {}}),
                not c.nullable,
            )
            for c in table.columns
        }
    assert f"{VERSION_DATASET}.alembic_version" in tables
    for forbidden in ("SERIAL", "VARCHAR", "WITH TIME ZONE", "DOUBLE PRECISION", "PRIMARY KEY"):
        assert forbidden not in ddl.upper()


def test_offline_duckdb_ddl_needs_no_warehouse(warehouse: Warehouse) -> None:
    config = alembic_config()
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    ddl = config.output_buffer.getvalue()
    assert 'CREATE SCHEMA IF NOT EXISTS "raw_google"' in ddl
    assert "CREATE TABLE raw_google.contacts" in ddl
    assert not warehouse.duckdb_path.exists()
