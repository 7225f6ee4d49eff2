"""The whole ELT offline: sandbox APIs -> dlt -> DuckDB -> dbt, then a short report.

`script/demo` runs this. It keeps everything under data/demo/ (its own DuckDB file and
dlt working dir), so it never touches a warehouse loaded from the real APIs. It loads
everything once, makes a few edits in the sandbox the way a person would during a day,
loads again incrementally and shows what changed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb

from sandbox import Sandbox

from .destination import PROJECT_ROOT
from .report import habits_and_contacts_report

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
DBT_PROJECT = PROJECT_ROOT / "dbt" / "personal"
ENTRY_SCRIPTS = ("notion_habits", "hubspot_crm", "google_contacts")
RAW_DATASETS = ("raw_notion", "raw_hubspot", "raw_google")


def shown(path: Path) -> str:
    """A path as the user types it: relative to the project root when inside it."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def run_pipeline(name: str) -> dict[str, int] | None:
    """Run one entry point; the rows it loaded per `dataset.table`, or None on failure."""
    import dlt

    from .cli import main
    from .summary import rows_this_run

    spec = importlib.import_module(f"pipelines.{name}").SPEC
    if main(spec, ["--progress", "none"]) != 0:
        return None
    loaded = rows_this_run(dlt.attach(pipeline_name=spec.name))
    return {f"{spec.dataset}.{table}": rows for table, rows in loaded.items()}


def raw_row_counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw_notion', 'raw_hubspot', 'raw_google') "
            "and table_name not like '\\_dlt%' escape '\\' order by 1, 2"
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


def build_dbt(env: dict[str, str]) -> int:
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
        "duckdb",
    ]
    print(f"\n==> dbt build ({shown(DBT_PROJECT)})", flush=True)
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
    args = parser.parse_args(argv)

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
        pipelines = ENTRY_SCRIPTS
        print(
            f"==> Sandbox APIs on {sandbox.base_url}; loading {', '.join(pipelines)} into {warehouse}"
        )
        for name in pipelines:
            print(f"\n==> First load: {name}", flush=True)
            if run_pipeline(name) is None:
                return 1

        changes = sample_changes(sandbox)
        print(
            "\n==> Meanwhile, at the sources:\n"
            + "\n".join(f"  - {c}" for c in changes or ["(nothing)"])
        )
        requests_before = sandbox.log.count()
        changed: dict[str, int] = {}
        for name in pipelines:
            print(f"\n==> Incremental load: {name}", flush=True)
            loaded = run_pipeline(name)
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
    print(f"\n  DuckDB file: {shown(warehouse)}")
    print("  Dashboards (dlt's marimo app on http://127.0.0.1:2718):")
    print("    source .venv/bin/activate")
    for name in pipelines:
        print(f"    DLT_DATA_DIR={shown(DEMO_DIR / 'dlt')} dlt pipeline {name} show")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
