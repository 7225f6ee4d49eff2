"""Building blocks of the revisions: raw datasets, and columns in the types dlt writes.

A revision names each column's dlt data type (`text`, `timestamp`, ...). The SQLAlchemy
type behind it renders exactly what dlt itself creates for that type, on DuckDB and on
BigQuery, so a table made by a migration is the table dlt would have made. Past
revisions import this module: change a mapping only together with a new revision.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

SQL_TYPES: dict[str, Callable[[], sa.types.TypeEngine]] = {
    "text": sa.String,  # DuckDB VARCHAR, BigQuery STRING
    "timestamp": lambda: sa.TIMESTAMP(timezone=True),  # TIMESTAMP WITH TIME ZONE / TIMESTAMP
    "bool": sa.Boolean,  # BOOLEAN / BOOL
    "double": sa.Double,  # DOUBLE / FLOAT64
    "bigint": sa.BigInteger,  # BIGINT / INT64
    "json": sa.JSON,  # JSON / JSON
    "date": sa.Date,  # DATE / DATE
}

# dlt's row bookkeeping. Both are NOT NULL, and neither DuckDB nor BigQuery can add a
# NOT NULL column to an existing table, so every contracted table is created with them.
DLT_LOAD_ID, DLT_ID = "_dlt_load_id", "_dlt_id"


def column(name: str, data_type: str, *, nullable: bool = True) -> sa.Column:
    """A column typed by its dlt data type."""
    if data_type not in SQL_TYPES:
        raise ValueError(
            f"{name}: unknown dlt data type {data_type!r} (use one of {list(SQL_TYPES)})"
        )
    return sa.Column(name, SQL_TYPES[data_type](), nullable=nullable, autoincrement=False)


def dlt_columns() -> list[sa.Column]:
    """The columns dlt adds to every table it loads."""
    return [column(DLT_LOAD_ID, "text", nullable=False), column(DLT_ID, "text", nullable=False)]


def create_dataset_sql(dialect: str, name: str, location: str | None = None) -> str:
    """CREATE SCHEMA for a raw dataset; on BigQuery in the configured location."""
    if dialect == "bigquery":
        options = f" OPTIONS(location = '{location}')" if location else ""
        return f"CREATE SCHEMA IF NOT EXISTS `{name}`{options}"
    return f'CREATE SCHEMA IF NOT EXISTS "{name}"'


def create_dataset(name: str) -> None:
    """Create a raw dataset (schema) unless it exists; dlt may have created it first."""
    context = op.get_context()
    op.execute(
        create_dataset_sql(context.dialect.name, name, context.opts.get("bigquery_location"))
    )


def drop_dataset(name: str) -> None:
    """Drop a raw dataset. Refused by the warehouse while it still holds tables (dlt's own)."""
    quoted = f"`{name}`" if op.get_context().dialect.name == "bigquery" else f'"{name}"'
    op.execute(f"DROP SCHEMA IF EXISTS {quoted}")
