"""The contract at head, read back from what the migrations build.

The revisions are the one definition of the contract. To know it, they run against a
scratch in-memory DuckDB and the result is read back: tables, columns, the dlt data
type of each column (through dlt's own DuckDB type names), nullability, primary keys.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from dlt.destinations.impl.duckdb.factory import DuckDbTypeMapper

from .alembic_config import alembic_config
from .warehouse import VERSION_DATASET, Warehouse

# DuckDB type name -> dlt data type, for the types dlt writes to DuckDB.
DLT_TYPE_OF = {
    db_type: dlt_type for dlt_type, db_type in DuckDbTypeMapper.sct_to_unbound_dbt.items()
}


@dataclass(frozen=True)
class ContractColumn:
    name: str
    data_type: str  # dlt data type: text, timestamp, bool, double, bigint, json, date
    nullable: bool
    primary_key: bool = False

    @property
    def is_dlt_bookkeeping(self) -> bool:
        """_dlt_load_id / _dlt_id: created by the migrations, filled by dlt."""
        return self.name.startswith("_dlt_")

    def describe(self) -> str:
        return self.data_type if self.nullable else f"{self.data_type} NOT NULL"


@dataclass(frozen=True)
class ContractTable:
    dataset: str
    name: str
    columns: tuple[ContractColumn, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.dataset}.{self.name}"

    @property
    def primary_key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.primary_key)

    def column(self, name: str) -> ContractColumn | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Contract:
    revision: str
    tables: tuple[ContractTable, ...]

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(sorted({t.dataset for t in self.tables}))

    def tables_in(self, dataset: str) -> tuple[ContractTable, ...]:
        return tuple(t for t in self.tables if t.dataset == dataset)

    def table(self, dataset: str, name: str) -> ContractTable | None:
        return next((t for t in self.tables_in(dataset) if t.name == name), None)

    def shared_columns(self, dataset: str) -> tuple[ContractColumn, ...]:
        """The columns every contracted table of a dataset has, identically."""
        tables = self.tables_in(dataset)
        if not tables:
            return ()
        return tuple(c for c in tables[0].columns if all(c in t.columns for t in tables[1:]))


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have one head, found {heads}: merge them")
    return heads[0]


def head_contract() -> Contract:
    """The contract of the current migrations (built once per set of version locations)."""
    config = alembic_config()
    return _build(config.get_main_option("version_locations") or "")


@functools.lru_cache(maxsize=4)
def _build(version_locations: str) -> Contract:
    revision = head_revision()
    scratch = Warehouse("duckdb", sa.URL.create("duckdb", database=":memory:"))
    engine = scratch.engine()
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(warehouse=scratch, connection=connection), "head")
            return Contract(revision, read_tables(connection))
    finally:
        engine.dispose()


def read_tables(connection: sa.Connection) -> tuple[ContractTable, ...]:
    keys = {
        (schema, table): set(columns)
        for schema, table, columns in connection.exec_driver_sql(
            "select schema_name, table_name, constraint_column_names from duckdb_constraints() "
            "where constraint_type = 'PRIMARY KEY'"
        )
    }
    rows = connection.exec_driver_sql(
        "select table_schema, table_name, column_name, data_type, is_nullable "
        "from information_schema.columns where table_schema not in ('main', ?) "
        "order by table_schema, table_name, ordinal_position",
        (VERSION_DATASET,),
    ).all()
    columns: dict[tuple[str, str], list[ContractColumn]] = {}
    for dataset, table, name, db_type, is_nullable in rows:
        if db_type not in DLT_TYPE_OF:
            raise TypeError(f"{dataset}.{table}.{name}: {db_type} is not a type dlt writes")
        columns.setdefault((dataset, table), []).append(
            ContractColumn(
                name,
                DLT_TYPE_OF[db_type],
                is_nullable == "YES",
                name in keys.get((dataset, table), ()),
            )
        )
    return tuple(ContractTable(d, t, tuple(cs)) for (d, t), cs in columns.items())
