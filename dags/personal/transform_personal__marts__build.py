"""dbt build of `dbt/personal` (staging -> intermediate -> marts), one task per model.

Scheduled on the raw assets with OR semantics: a successful load of any of `raw_notion`,
`raw_hubspot` or `raw_google` queues a rebuild, so fresh data from one source reaches the
marts even while another source is failing (models of a source that has not loaded yet
build empty). Rendered into Airflow tasks by astronomer-cosmos from the manifest that
`dbt parse` writes when script/server starts (no dbt call at parse time).

Cosmos's watcher mode: `dbt_producer_watcher` runs one `dbt build` of the models (the only
task that writes the warehouse, in its pool), and one task per model reports that model's
result as dbt finishes it, so the UI shows each model's state and a failed model can be
retried on its own (its retry runs dbt for that model). Then `dbt_test` runs every data test
once all models exist, and `render_report` writes the personal report from the marts and
emits its Asset. `DBT_EXECUTION_MODE=local` instead runs one dbt process per model and per
test (slower; docs/airflow.md compares them). Target: `DBT_TARGET` (duckdb by default,
bigquery in production).
"""

import os
import sys
from pathlib import Path

from airflow.sdk import AssetAny, task
from cosmos import (
    DbtDag,
    ExecutionConfig,
    ExecutionMode,
    LoadMode,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
    TestBehavior,
)
from personal.common import (
    DBT_MANIFEST,
    DBT_PROJECT,
    DBT_WATCHER_POOL,
    DEFAULT_ARGS,
    RAW_ASSETS,
    REPORT_ASSET,
    START_DATE,
    WAREHOUSE_POOL,
    render_report,
)
from personal.variables import export_settings_from_variables

EXECUTION_MODE = ExecutionMode(os.environ.get("DBT_EXECUTION_MODE", "watcher"))
WATCHING = EXECUTION_MODE == ExecutionMode.WATCHER

transform_personal__marts__build = DbtDag(
    dag_id="transform_personal__marts__build",
    schedule=AssetAny(*RAW_ASSETS.values()),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["personal", "transform", "dbt"],
    doc_md=__doc__,
    project_config=ProjectConfig(
        dbt_project_path=DBT_PROJECT,
        manifest_path=DBT_MANIFEST,
        install_dbt_deps=False,
    ),
    profile_config=ProfileConfig(
        profile_name="personal_reporting",
        target_name=os.environ.get("DBT_TARGET", "duckdb"),
        profiles_yml_filepath=DBT_PROJECT / "profiles.yml",
    ),
    execution_config=ExecutionConfig(
        execution_mode=EXECUTION_MODE,
        dbt_executable_path=Path(sys.executable).parent / "dbt",
    ),
    render_config=RenderConfig(
        load_method=LoadMode.DBT_MANIFEST,
        # data tests run once every model exists: a relationships test reads two models,
        # and run beside the first of them it failed the first build on an empty warehouse
        test_behavior=TestBehavior.AFTER_ALL,
    ),
    operator_args={
        # settings entered as Airflow Variables reach dbt's profile (env_var) like App Settings
        "pre_execute": export_settings_from_variables,
        "pool": WAREHOUSE_POOL,
        # watchers check every 2 s in their slot (no triggerer needed; "reschedule" mode
        # raced the executor and failed finished checks as "queued")
        **({"poke_interval": 2, "timeout": 3600, "deferrable": False} if WATCHING else {}),
    },
)
if WATCHING:
    # The per-model tasks only read the producer's progress. Their own pool, one slot below
    # [core] parallelism, keeps them from holding every executor slot while the producer
    # waits for one.
    for watcher in transform_personal__marts__build.tasks:
        if getattr(watcher, "producer_task_id", None):
            watcher.pool = DBT_WATCHER_POOL

# Last: the personal report from the marts just built, once every dbt task has succeeded.
with transform_personal__marts__build:
    dbt_leaves = list(transform_personal__marts__build.leaves)
    report = task(
        render_report, task_id="render_report", pool=WAREHOUSE_POOL, outlets=[REPORT_ASSET]
    )()
    dbt_leaves >> report
