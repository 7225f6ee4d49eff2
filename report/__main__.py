"""`script/report`: write the personal report from the marts of the configured warehouse.

    python -m report                          # DuckDB (DESTINATION__DUCKDB__CREDENTIALS), or as configured
    python -m report --destination bigquery   # the BigQuery marts (dlt's BigQuery settings)
    python -m report --output FILE            # elsewhere than `report.path` / data/personal_report.html

On a fresh clone with no warehouse of its own yet, the demo's warehouse (script/demo) is
reported on, and the report says which warehouse it shows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.core.errors import report_error

from . import DuckDBWarehouse, warehouse_for, write_report
from .settings import demo_warehouse_instead, report_path, shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="script/report", description=__doc__.splitlines()[0])
    parser.add_argument("--destination", choices=["duckdb", "bigquery"], default=None)
    parser.add_argument("--output", type=Path, default=None, help="the HTML file to write")
    args = parser.parse_args(argv)
    try:
        demo = demo_warehouse_instead(args.destination)
        if demo is not None:
            print(f"No warehouse of your own yet: reporting on the demo's ({shown(demo)})")
        warehouse = DuckDBWarehouse(demo) if demo else warehouse_for(args.destination)
        written = write_report(args.output or report_path(), warehouse)
    except Exception as error:  # a setting or the warehouse: say which
        return report_error(error)
    print(f"Report: {shown(written)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
