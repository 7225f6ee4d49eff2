"""Notion habit trackers -> `raw_notion` (daily and weekly habit databases).

Daily at 05:00 UTC. First `alembic upgrade head` and the warehouse contract check, then
the incremental load (pages edited since the last run; trashed pages flagged). The load
emits the `raw_notion` asset, which schedules `transform_personal__marts__build`.
Settings: `SOURCES__NOTION__*` (App Settings or Airflow Variables), see the README.
"""

from airflow.sdk import dag, task
from personal.common import DEFAULT_ARGS, RAW_NOTION, START_DATE, WAREHOUSE_POOL, apply_contract


@dag(
    schedule="0 5 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["personal", "raw", "notion", "dlt"],
    doc_md=__doc__,
)
def raw_notion__habits__incremental():
    @task(pool=WAREHOUSE_POOL)
    def upgrade_contract() -> str:
        return apply_contract()

    @task(pool=WAREHOUSE_POOL, outlets=[RAW_NOTION])
    def load() -> dict:
        from personal.common import load_raw

        from pipelines.notion_habits import SPEC

        return load_raw(SPEC)

    upgrade_contract() >> load()


raw_notion__habits__incremental()
