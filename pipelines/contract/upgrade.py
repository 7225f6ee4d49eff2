"""Contract commands for the command line and for Airflow tasks.

    from pipelines.contract import upgrade
    upgrade.upgrade()                  # alembic upgrade head, on the pipelines' warehouse
    upgrade.check_warehouse()          # raises ContractViolation when the warehouse drifted

Both take the same `destination` as the entry scripts' `--destination` flag.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext

from .alembic_config import alembic_config
from .compare import ContractViolation, WarehouseColumns, warehouse_breaches
from .head import Contract, head_contract
from .warehouse import VERSION_DATASET, Warehouse, from_settings


def upgrade_warehouse(warehouse: Warehouse, revision: str = "head") -> None:
    command.upgrade(alembic_config(warehouse=warehouse), revision)


def upgrade(destination: str | None = None) -> Warehouse:
    """`alembic upgrade head` on the warehouse the pipelines load into."""
    warehouse = from_settings(destination)
    warehouse.check_access()
    upgrade_warehouse(warehouse)
    return warehouse


def check_warehouse(destination: str | None = None) -> Warehouse:
    """Verify the warehouse is at the contract's head and holds every contracted column
    with the type dlt writes for it. Raises ContractViolation listing what differs."""
    warehouse = from_settings(destination)
    warehouse.check_access()
    contract = head_contract()
    engine = warehouse.engine()
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
            columns = read_columns(connection, contract)
    finally:
        engine.dispose()
    if revision != contract.revision:
        raise ContractViolation(
            warehouse.describe(),
            contract.revision,
            [],
            f"the warehouse is at revision {revision or '(none)'}",
            "Run `python -m migrations upgrade` (or `alembic upgrade head`).",
        )
    breaches = warehouse_breaches(contract, columns, type_mapper(warehouse))
    if breaches:
        raise ContractViolation(
            warehouse.describe(),
            contract.revision,
            breaches,
            "the warehouse differs from it",
            "Restore the columns, or change the contract with a new migration (docs/contracts.md).",
        )
    return warehouse


def current_revision(connection: sa.Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table_schema": VERSION_DATASET})
    return context.get_current_revision()


def type_mapper(warehouse: Warehouse):
    import dlt

    destination = (
        dlt.destinations.duckdb() if warehouse.kind == "duckdb" else dlt.destinations.bigquery()
    )
    return destination.capabilities().get_type_mapper()


def read_columns(connection: sa.Connection, contract: Contract) -> WarehouseColumns:
    """(dataset, table) -> column -> (warehouse type, nullable) for the contract's datasets."""
    inspector = sa.inspect(connection)
    columns: dict[tuple[str, str], dict[str, tuple[str, bool]]] = {}
    for dataset in contract.datasets:
        if not inspector.has_schema(dataset):
            continue
        if connection.dialect.name == "bigquery":
            sql = (
                f"select table_name, column_name, data_type, is_nullable "
                f"from `{dataset}`.INFORMATION_SCHEMA.COLUMNS"
            )
            rows = connection.exec_driver_sql(sql).all()
        else:
            rows = connection.exec_driver_sql(
                "select table_name, column_name, data_type, is_nullable "
                "from information_schema.columns "
                "where table_catalog = current_database() and table_schema = ?",
                (dataset,),
            ).all()
        for table, name, data_type, is_nullable in rows:
            columns.setdefault((dataset, table), {})[name] = (data_type, is_nullable == "YES")
    return columns
