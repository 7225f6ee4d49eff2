"""dbt build of `dbt/personal` (staging -> intermediate -> marts), one task per model.

Scheduled on the raw assets with OR semantics: a successful load of any of `raw_notion`,
`raw_hubspot` or `raw_google` queues a rebuild, so fresh data from one source reaches the
marts even while another source is failing. Rendered into Airflow tasks by astronomer-cosmos from the
manifest that `dbt parse` writes when script/server starts (no dbt call at parse time);
each model runs `dbt run` then its tests, and a test that reads several models (relationships
between layers) runs in a task of its own after all of them, so the first run on an empty
warehouse succeeds; every task runs in the warehouse pool (DuckDB has one writer).
Target: `DBT_TARGET` (duckdb by default, bigquery in production).
"""

import os
import sys
from pathlib import Path

from airflow.sdk import AssetAny
from cosmos import (
    DbtDag,
    ExecutionConfig,
    ExecutionMode,
    LoadMode,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
)
from personal.common import (
    DBT_MANIFEST,
    DBT_PROJECT,
    DEFAULT_ARGS,
    RAW_ASSETS,
    START_DATE,
    WAREHOUSE_POOL,
)

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
        execution_mode=ExecutionMode.LOCAL,
        dbt_executable_path=Path(sys.executable).parent / "dbt",
    ),
    render_config=RenderConfig(
        load_method=LoadMode.DBT_MANIFEST,
        # a test that reads several models (relationships between layers) gets a task of
        # its own after all of them, instead of running in the first model's test task
        # before the others exist (which failed the first run on an empty warehouse)
        should_detach_multiple_parents_tests=True,
    ),
    operator_args={"pool": WAREHOUSE_POOL},
)
