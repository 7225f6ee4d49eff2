"""Contracted columns must be present in every live row a run extracts.

A column can vanish from the data while dlt's stored schema still lists it (a property
deleted at the source, a field an API stops sending): the load would then write nulls
where the contract promises values, and nothing would say so. Each row is checked as it
is extracted, before anything is written; a live row that lacks a contracted column stops
the run with the record and the column named. Tombstones (`is_deleted = true`) may carry
only their key and flags.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlt.extract.source import DltSource

from .compare import Breach, ContractViolation, tables_to_enforce
from .head import Contract, head_contract


def missing_columns(row: dict[str, Any], required: frozenset[str]) -> list[str]:
    if row.get("is_deleted") is True:
        return []
    return sorted(required - row.keys())


def record_key(row: dict[str, Any], keys: tuple[str, ...]) -> str:
    return ", ".join(f"{k}={row.get(k)!r}" for k in keys) or "(no key)"


def row_check(contract: Contract, dataset: str, table: str) -> Callable[[Any], Any] | None:
    """A dlt map step that raises on a live row missing a contracted column of `table`."""
    enforced = tables_to_enforce(contract, dataset, [table])
    if not enforced:
        return None
    contracted = enforced[0]
    columns = {c.name: c for c in contracted.columns if not c.is_dlt_bookkeeping}
    required = frozenset(columns)
    keys = tuple(name for name, c in columns.items() if c.primary_key)

    def check(item: Any) -> Any:
        rows = item if isinstance(item, list) else [item]
        for row in rows:
            if isinstance(row, dict) and (missing := missing_columns(row, required)):
                breaches = [
                    Breach(
                        contracted.qualified_name,
                        name,
                        columns[name].describe(),
                        "no such column in this run's data",
                    )
                    for name in missing
                ]
                raise ContractViolation(
                    dataset,
                    contract.revision,
                    breaches,
                    f"record {record_key(row, keys)} lacks contracted columns; "
                    "the load stopped before writing anything",
                )
        return item

    return check


def guard_presence(source: DltSource, dataset: str) -> DltSource:
    """Attach the presence check to every resource that loads a contracted table."""
    contract = head_contract()
    for resource in source.selected_resources.values():
        table = resource.table_name
        if not isinstance(table, str):
            continue  # tables named per item: their columns are checked after normalize
        check = row_check(contract, dataset, table)
        if check is not None:
            resource.add_map(check)
    return source
