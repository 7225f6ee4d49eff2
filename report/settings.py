"""Where the report is written and which warehouse it reads, the dlt way (env, then toml)."""

from __future__ import annotations

from pathlib import Path

import dlt

from pipelines.core.destination import DEFAULT_DUCKDB_PATH, destination_name
from pipelines.core.paths import PROJECT_ROOT

DEFAULT_REPORT_PATH = PROJECT_ROOT / "data" / "personal_report.html"
# script/demo's warehouse: reported on when no warehouse of one's own exists yet
DEMO_WAREHOUSE = PROJECT_ROOT / "data" / "demo" / "personal_reporting.duckdb"


def report_path() -> Path:
    """`report.path` (REPORT__PATH) when set, relative to the project root; else the default."""
    configured = dlt.config.get("report.path")
    if configured:
        path = Path(str(configured)).expanduser()
        return path if path.is_absolute() else PROJECT_ROOT / path
    return DEFAULT_REPORT_PATH


def demo_warehouse_instead(destination: str | None) -> Path | None:
    """The demo's DuckDB file, when DuckDB is the warehouse, none is configured and the
    default file does not exist yet (a fresh clone after script/demo)."""
    if destination_name(destination) != "duckdb":
        return None
    if dlt.config.get("destination.duckdb.credentials") or DEFAULT_DUCKDB_PATH.exists():
        return None
    return DEMO_WAREHOUSE if DEMO_WAREHOUSE.exists() else None


def shown(path: Path) -> str:
    """A path as the user types it: relative to the project root when inside it."""
    path = path.resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)
