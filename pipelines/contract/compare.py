"""Compare a dlt schema, or a warehouse, with the contract; list every breach.

Both comparisons speak the same language: table, column, expected and found type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dlt.common.destination.capabilities import DataTypeMapper
from dlt.common.schema import Schema

from .head import Contract, ContractColumn, ContractTable

# Datasets whose tables are named by configuration (one per Notion database): every root
# table there must carry the columns all contracted tables of the dataset share.
CONFIGURED_TABLE_DATASETS = ("raw_notion",)

# Warehouse columns: (dataset, table) -> column -> (warehouse type, nullable)
WarehouseColumns = Mapping[tuple[str, str], Mapping[str, tuple[str, bool]]]


@dataclass(frozen=True)
class Breach:
    table: str  # dataset.table
    column: str | None  # None: the whole table
    expected: str
    found: str

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        return f"{where}: expected {self.expected}, found {self.found}"


def tables_to_enforce(
    contract: Contract, dataset: str, present: Iterable[str]
) -> list[ContractTable]:
    """The contracted tables among `present` root tables, and configured ones where open."""
    enforced = []
    for name in present:
        table = contract.table(dataset, name)
        if table is None and dataset in CONFIGURED_TABLE_DATASETS:
            table = ContractTable(dataset, name, contract.shared_columns(dataset))
        if table is not None:
            enforced.append(table)
    return enforced


def warehouse_type(mapper: DataTypeMapper, table: str, column: Mapping[str, Any]) -> str:
    """The column type dlt would create for this column (hints such as timezone included)."""
    return mapper.to_destination_type(dict(column), {"name": table, "columns": {}})  # type: ignore[arg-type]


def schema_breaches(
    schema: Schema, dataset: str, contract: Contract, mapper: DataTypeMapper
) -> list[Breach]:
    """What loading data with this dlt schema would do to the contracted columns."""
    roots = [t["name"] for t in schema.data_tables(include_incomplete=True) if not t.get("parent")]
    breaches: list[Breach] = []
    for table in tables_to_enforce(contract, dataset, roots):
        columns = schema.tables[table.name].get("columns", {})
        for expected in table.columns:
            breaches += column_breaches(table, expected, columns, mapper)
    return breaches


def column_breaches(
    table: ContractTable,
    expected: ContractColumn,
    columns: Mapping[str, Any],
    mapper: DataTypeMapper,
) -> list[Breach]:
    def breach(found: str, wanted: str | None = None) -> Breach:
        return Breach(table.qualified_name, expected.name, wanted or expected.describe(), found)

    found = columns.get(expected.name)
    if not found or not found.get("data_type"):
        return [breach("no such column in this run's data")]
    breaches = []
    if found["data_type"] != expected.data_type:
        breaches.append(breach(found["data_type"], expected.data_type))
    else:
        wanted_db = warehouse_type(
            mapper, table.name, {"name": expected.name, "data_type": expected.data_type}
        )
        found_db = warehouse_type(mapper, table.name, found)
        if wanted_db != found_db:
            breaches.append(
                breach(f"{found['data_type']} ({found_db})", f"{expected.data_type} ({wanted_db})")
            )
    if not expected.nullable and found.get("nullable", True):
        breaches.append(breach(f"{found['data_type']} (nullable)"))
    for name, variant in columns.items():
        if variant.get("variant") and name.startswith(f"{expected.name}__v_"):
            breaches.append(
                breach(f"values of type {variant.get('data_type')} (dlt stored them in {name})")
            )
    return breaches


def warehouse_breaches(
    contract: Contract, columns: WarehouseColumns, mapper: DataTypeMapper
) -> list[Breach]:
    """The contracted tables and columns as the warehouse holds them."""
    breaches: list[Breach] = []
    for dataset in contract.datasets:
        present = [
            t for d, t in columns if d == dataset and not t.startswith("_dlt") and "__" not in t
        ]
        for table in contract.tables_in(dataset):
            if table.name not in present:
                breaches.append(Breach(table.qualified_name, None, "the table", "no such table"))
        for table in tables_to_enforce(contract, dataset, present):
            stored = columns[(dataset, table.name)]
            for expected in table.columns:
                wanted = warehouse_type(
                    mapper, table.name, {"name": expected.name, "data_type": expected.data_type}
                )
                wanted += "" if expected.nullable else " NOT NULL"
                if expected.name not in stored:
                    breaches.append(
                        Breach(table.qualified_name, expected.name, wanted, "no such column")
                    )
                    continue
                db_type, nullable = stored[expected.name]
                found = db_type.upper() + ("" if nullable else " NOT NULL")
                if found != wanted.upper():
                    breaches.append(Breach(table.qualified_name, expected.name, wanted, found))
    return breaches


FIX_THE_SOURCE = "Fix the source, or change the contract with a new migration (docs/contracts.md)."


class ContractViolation(Exception):
    """Data or a warehouse that does not match the raw contract; lists every breach."""

    def __init__(
        self,
        subject: str,
        revision: str,
        breaches: list[Breach],
        consequence: str,
        advice: str = FIX_THE_SOURCE,
    ) -> None:
        self.breaches = breaches
        lines = "".join(f"\n  - {b}" for b in breaches)
        super().__init__(
            f"raw contract (revision {revision}) broken in {subject}: {consequence}.{lines}\n{advice}"
        )
