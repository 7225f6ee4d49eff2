"""What every DAG of the `personal` owner shares: defaults, the warehouse pool, raw assets,
and the two tasks a raw load is made of.

Cheap to import at parse time: only `airflow.sdk`, the standard library and the pipeline
registry (plain data) here; dlt, the sources and Alembic are imported inside the task
bodies, when a task runs.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import Asset, task
from personal.variables import export_settings_from_variables

from pipelines.registry import PIPELINES, by_name

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OWNER = "personal"

# DuckDB takes one writer per file: every task that writes (or reads) the warehouse runs in
# this pool, which script/server creates with one slot.
WAREHOUSE_POOL = "warehouse_writer"
# The dbt DAG's per-model watcher tasks (they read the dbt build's progress, never the
# warehouse); script/server sizes it one below [core] parallelism, so a warehouse task
# always finds an executor slot.
DBT_WATCHER_POOL = "dbt_watchers"

START_DATE = datetime(2026, 1, 1)

# A failed task is tried twice more, 5 then 10 minutes later (Airflow 3.3: the back-off is a
# multiplier, capped by max_retry_delay and airflow.cfg's max_task_retry_delay). Settings
# errors are not retried (see `load_raw`): a missing token does not come back by itself.
DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=1),
}


def raw_asset(dataset: str) -> Asset:
    """The Asset a raw dataset's load emits; the dbt DAG is scheduled on these."""
    return Asset(name=dataset, uri=f"warehouse://personal/{dataset}", group="raw")


RAW_ASSETS: dict[str, Asset] = {spec.dataset: raw_asset(spec.dataset) for spec in PIPELINES}

DBT_PROJECT = PROJECT_ROOT / "dbt" / "personal"
# script/server writes the manifest with `dbt parse` before Airflow starts; rendering from it
# keeps DAG parsing offline and fast (no `dbt ls` per parse).
DBT_MANIFEST = Path(
    os.environ.get("DBT_MANIFEST_PATH", str(DBT_PROJECT / "target" / "manifest.json"))
)


# The personal report (script/report's HTML file), written at the end of every dbt build.
REPORT_ASSET = Asset(
    name="personal_report", uri="report://personal/personal_report", group="report"
)


def render_report() -> str:
    """Write the personal report from the marts just built; the file's path."""
    from report import write_report
    from report.settings import report_path

    export_settings_from_variables()  # BigQuery settings entered as Airflow Variables
    return str(write_report(report_path()))


def apply_contract() -> str:
    """`alembic upgrade head`, then verify the warehouse holds the contracted columns."""
    from pipelines.contract import upgrade

    export_settings_from_variables()

    upgrade.upgrade()
    warehouse = upgrade.check_warehouse()
    return warehouse.describe()


def load_raw(pipeline_name: str, *, full_refresh: bool = False) -> dict[str, Any]:
    """Run one registered pipeline in this task's process, through the run driver.

    The contract was upgraded by this DAG run's `upgrade_contract` task, so the run does
    not upgrade it again. Every secret the pipeline's redactor learns, configured or
    obtained during the run (access tokens), is handed to Airflow's log masker too, so
    neither the task log nor the error raised here can show it. The redactor also
    filters the task's log handlers itself: `dag.test()` runs tasks under a logging
    setup that masks nothing, and a secret is masked from the moment it is known.
    """
    from airflow.sdk.exceptions import AirflowFailException
    from airflow.sdk.log import mask_secret

    from pipelines.core.errors import EXIT_SETTINGS, describe_error
    from pipelines.core.redaction import redactor, register_secrets
    from pipelines.runner import run_pipeline
    from pipelines.runner.summary import rows_this_run

    spec = by_name(pipeline_name)
    export_settings_from_variables()
    redactor.subscribe(mask_secret)
    redactor.install()
    register_secrets(spec.secret_keys)
    try:
        result = run_pipeline(
            spec, progress="log", upgrade_contract=False, full_refresh=full_refresh
        )
    except Exception as error:  # the entry scripts' message: names the setting or the record
        message, code = describe_error(error)
        if code == EXIT_SETTINGS:  # missing or refused setting: retrying cannot help
            raise AirflowFailException(f"{spec.name}: {message}") from None
        raise RuntimeError(f"{spec.name}: {message}") from None
    return {
        "pipeline": spec.name,
        "destination": result.describe_destination(),
        "loads": len(result.info.loads_ids),
        "rows": rows_this_run(result.pipeline),
    }


def raw_load_tasks(pipeline_name: str, *, full_refresh: bool = False) -> None:
    """Inside a @dag: `upgrade_contract` -> `load`, the load emitting the raw dataset's asset.

    `full_refresh`: the load wipes the pipeline's raw tables and state first, then reloads.
    """
    dataset = by_name(pipeline_name).dataset

    @task(pool=WAREHOUSE_POOL)
    def upgrade_contract() -> str:
        return apply_contract()

    @task(pool=WAREHOUSE_POOL, outlets=[RAW_ASSETS[dataset]])
    def load() -> dict:
        return load_raw(pipeline_name, full_refresh=full_refresh)

    upgrade_contract() >> load()
