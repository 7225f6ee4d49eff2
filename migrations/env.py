"""Alembic environment: migrate the warehouse the pipelines load into.

The target comes from the pipelines' settings (see pipelines/contract/warehouse.py); pick it
with `alembic -x destination=bigquery ...`. Callers inside Python pass a ready
Warehouse or an open connection in `config.attributes` instead.
"""

from __future__ import annotations

from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context

from migrations import dialects  # noqa: F401  (registers Alembic's DuckDB support)
from migrations.ddl import create_dataset_sql
from pipelines.contract import warehouse as warehouses

config = context.config


def target() -> warehouses.Warehouse:
    given = config.attributes.get("warehouse")
    if given is not None:
        return given
    flag = context.get_x_argument(as_dictionary=True).get("destination")
    return warehouses.from_settings(flag, offline=context.is_offline_mode())


def options(warehouse: warehouses.Warehouse) -> dict:
    return {
        "version_table_schema": warehouses.VERSION_DATASET,
        "bigquery_location": warehouse.location,  # read by migrations.ddl.create_dataset
        "transaction_per_migration": False,  # DuckDB: one transaction for the whole upgrade
    }


def version_dataset_sql(dialect: str, warehouse: warehouses.Warehouse) -> str:
    return create_dataset_sql(dialect, warehouses.VERSION_DATASET, warehouse.location)


def run_offline(warehouse: warehouses.Warehouse) -> None:
    """Write the DDL instead of running it: `alembic upgrade head --sql`."""
    context.configure(url=warehouse.url, literal_binds=True, **options(warehouse))
    with context.begin_transaction():
        context.execute(version_dataset_sql(warehouse.kind, warehouse))
        context.run_migrations()


def run_online(connection: sa.Connection, warehouse: warehouses.Warehouse) -> None:
    context.configure(connection=connection, **options(warehouse))
    with context.begin_transaction():
        connection.exec_driver_sql(version_dataset_sql(connection.dialect.name, warehouse))
        context.run_migrations()


def configure_logging() -> None:
    """alembic.ini's logging, for the alembic command line; embedded callers keep theirs.

    Runs after the settings are resolved: resolving them may import Airflow (dlt's
    Airflow secrets provider), whose logging setup would replace these handlers.
    """
    if config.config_file_name and config.attributes.get("configure_logger", True):
        fileConfig(config.config_file_name, disable_existing_loggers=False)


def main() -> None:
    warehouse = target()
    configure_logging()
    if context.is_offline_mode():
        run_offline(warehouse)
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run_online(connection, warehouse)
        return
    engine = warehouse.engine()
    try:
        with engine.connect() as connection:
            run_online(connection, warehouse)
            connection.commit()
    finally:
        engine.dispose()


main()
