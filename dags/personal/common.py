"""What every DAG of the `personal` owner shares: defaults, the warehouse pool, raw assets,
and the two task bodies a raw load is made of.

Cheap to import at parse time: only `airflow.sdk` and the standard library here; the
pipelines, dlt and Alembic are imported inside the task bodies, when a task runs.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset

if TYPE_CHECKING:
    from pipelines.runtime.cli import PipelineSpec

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OWNER = "personal"

# DuckDB takes one writer per file: every task that writes (or reads) the warehouse runs in
# this pool, which script/server creates with one slot.
WAREHOUSE_POOL = "warehouse_writer"

START_DATE = datetime(2026, 1, 1)

DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=1),
}


def raw_asset(dataset: str) -> Asset:
    """The Asset a raw dataset's load emits; the dbt DAG is scheduled on these."""
    return Asset(name=dataset, uri=f"warehouse://personal/{dataset}", group="raw")


RAW_NOTION = raw_asset("raw_notion")
RAW_HUBSPOT = raw_asset("raw_hubspot")
RAW_GOOGLE = raw_asset("raw_google")

DBT_PROJECT = PROJECT_ROOT / "dbt" / "personal"
# script/server writes the manifest with `dbt parse` before Airflow starts; rendering from it
# keeps DAG parsing offline and fast (no `dbt ls` per parse).
DBT_MANIFEST = Path(
    os.environ.get("DBT_MANIFEST_PATH", str(DBT_PROJECT / "target" / "manifest.json"))
)


def apply_contract() -> str:
    """`alembic upgrade head`, then verify the warehouse holds the contracted columns."""
    from migrations import commands

    commands.upgrade()
    warehouse = commands.check_warehouse()
    return warehouse.describe()


def load_raw(spec: PipelineSpec) -> dict[str, Any]:
    """Run one pipeline in this task's process: extract, normalize, contract check, load.

    Secrets are registered with Airflow's log masker and the pipeline's redactor first, so
    neither the task log nor the error raised here can show them.
    """
    from airflow.sdk.log import mask_secret

    from pipelines.runtime import cli, destination
    from pipelines.runtime.summary import rows_this_run

    for value in cli.register_secrets(spec.secret_keys):
        mask_secret(value)
    name = destination.destination_name(None)
    try:
        pipeline = cli.create_pipeline(spec, name, progress="log")
        info = cli.run(spec, pipeline)
    except Exception as error:  # the entry scripts' message: names the setting or the record
        message, _ = cli.describe_error(error)
        raise RuntimeError(f"{spec.name}: {message}") from None
    return {
        "pipeline": spec.name,
        "destination": destination.describe(name),
        "loads": len(info.loads_ids),
        "rows": rows_this_run(pipeline),
    }
