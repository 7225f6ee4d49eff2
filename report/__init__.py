"""The personal report: one self-contained HTML page of charts drawn from the dbt marts.

`script/report` (`python -m report`) writes it from the configured warehouse (DuckDB by
default, BigQuery by setting); the demo and the dbt DAG's last task write it too. The
page carries its charts' data and the Vega, Vega-Lite and vega-embed JavaScript inline,
so it opens offline.
"""

from __future__ import annotations

from pathlib import Path

from .marts import MARTS, DuckDBWarehouse, Warehouse, read_marts, warehouse_for
from .page import render_page


def write_report(output: Path, warehouse: Warehouse | None = None) -> Path:
    """Read the marts (of the configured warehouse by default); write the report to `output`."""
    data = read_marts(warehouse or warehouse_for())
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_text(render_page(data), encoding="utf-8")
    partial.replace(output)  # readers (the Airflow view) never see half a file
    return output


__all__ = [
    "MARTS",
    "DuckDBWarehouse",
    "Warehouse",
    "read_marts",
    "render_page",
    "warehouse_for",
    "write_report",
]
