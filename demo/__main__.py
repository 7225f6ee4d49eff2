"""The whole ELT offline: sandbox APIs -> dlt -> DuckDB -> dbt, then a short report.

`script/demo` runs this. It keeps everything under data/demo/ (its own DuckDB file and
dlt working dir), so it never touches a warehouse loaded from the real APIs. It loads
everything once, makes a few edits in the sandbox the way a person would during a day,
loads again incrementally and shows what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb

from demo.report import habits_and_contacts_report
from pipelines.core.paths import PROJECT_ROOT
from pipelines.registry import PIPELINES, RAW_DATASETS, PipelineSpec
from pipelines.runner import main as run_entry_point
from pipelines.runner.summary import rows_this_run
from report import DuckDBWarehouse, write_report
from sandbox import Sandbox

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
DBT_PROJECT = PROJECT_ROOT / "dbt" / "personal"


def shown(path: Path) -> str:
    """A path as the user types it: relative to the project root when inside it."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def run_pipeline(spec: PipelineSpec) -> dict[str, int] | None:
    """Run one pipeline as its entry script would; rows loaded per `dataset.table`, or None."""
    import dlt

    if run_entry_point(spec, ["--progress", "none"]) != 0:
        return None
    loaded = rows_this_run(dlt.attach(pipeline_name=spec.name))
    return {f"{spec.dataset}.{table}": rows for table, rows in loaded.items()}


def raw_row_counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({', '.join('?' for _ in RAW_DATASETS)}) "
            "and table_name not like '\\_dlt%' escape '\\' order by 1, 2",
            list(RAW_DATASETS),
        ).fetchall()
        return {
            f"{schema}.{table}": connection.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
            for schema, table in tables
        }


def sample_changes(sandbox: Sandbox) -> list[str]:
    """Edits a person would make during a day; each API contributes its own."""
    changes: list[str] = []
    for api in sandbox.apis.values():
        changes.extend(api.demo_changes())
    return changes


def build_dbt(env: dict[str, str], target: str = "duckdb") -> int:
    dbt = Path(sys.executable).parent / "dbt"
    command = [
        str(dbt),
        "--quiet",
        "build",
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target",
        target,
    ]
    print(f"\n==> dbt build --target {target} ({shown(DBT_PROJECT)})", flush=True)
    code = subprocess.run(command, env=env, check=False).returncode
    results = DBT_PROJECT / "target" / "run_results.json"
    if results.exists():
        statuses = Counter(r["status"] for r in json.loads(results.read_text())["results"])
        print("    " + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())))
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="script/demo", description=__doc__)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep data/demo from an earlier run (default: start fresh)",
    )
    parser.add_argument(
        "--destination",
        choices=("duckdb", "bigquery"),
        default="duckdb",
        help="bigquery runs the production path on a local BigQuery emulator (script/bigquery-emulator)",
    )
    args = parser.parse_args(argv)
    if args.destination == "bigquery":
        from demo.bigquery import run_on_emulator

        return run_on_emulator(args.keep)

    if not args.keep and DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    warehouse = DEMO_DIR / "personal_reporting.duckdb"

    with Sandbox(port=0) as sandbox:
        env = {
            "DLT_DATA_DIR": str(DEMO_DIR / "dlt"),
            "DESTINATION__DUCKDB__CREDENTIALS": str(warehouse),
            "DESTINATION_TYPE": "duckdb",
            **sandbox.client_settings(),
        }
        os.environ.update(env)
        names = ", ".join(spec.name for spec in PIPELINES)
        print(f"==> Sandbox APIs on {sandbox.base_url}; loading {names} into {warehouse}")
        for spec in PIPELINES:
            print(f"\n==> First load: {spec.name}", flush=True)
            if run_pipeline(spec) is None:
                return 1

        changes = sample_changes(sandbox)
        print(
            "\n==> Meanwhile, at the sources:\n"
            + "\n".join(f"  - {c}" for c in changes or ["(nothing)"])
        )
        requests_before = sandbox.log.count()
        changed: dict[str, int] = {}
        for spec in PIPELINES:
            print(f"\n==> Incremental load: {spec.name}", flush=True)
            loaded = run_pipeline(spec)
            if loaded is None:
                return 1
            changed.update(loaded)
        incremental_requests = sandbox.log.count() - requests_before
        total_requests = sandbox.log.count()

    if build_dbt(os.environ.copy()) != 0:
        print("dbt build failed: see the output above.", file=sys.stderr)
        return 1

    counts = raw_row_counts(warehouse)
    width = max([len(t) for t in counts] + [10])
    print("\n" + "=" * 60 + "\nDemo warehouse\n" + "=" * 60)
    print(f"  {'raw table':<{width}}  {'rows':>7}  {'changed in the incremental run':>30}")
    for table, rows in counts.items():
        print(f"  {table:<{width}}  {rows:>7,}  {changed.get(table, 0):>30,}")
    print(
        f"\n  API requests: {total_requests} in all, {incremental_requests} for the incremental runs"
    )
    print("\n" + habits_and_contacts_report(warehouse))
    report = write_report(DEMO_DIR / "personal_report.html", DuckDBWarehouse(warehouse))
    print(f"\n  DuckDB file: {shown(warehouse)}")
    print(f"  Report (charts, opens offline in any browser): {shown(report)}")
    print("  Dashboards (dlt's marimo app on http://127.0.0.1:2718):")
    print("    source .venv/bin/activate")
    for spec in PIPELINES:
        print(f"    DLT_DATA_DIR={shown(DEMO_DIR / 'dlt')} dlt pipeline {spec.name} show")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
