"""Notion habit trackers -> `raw_notion` (daily and weekly habit databases).

Daily at 05:00 UTC. First `alembic upgrade head` and the warehouse contract check, then
the incremental load (pages edited since the last run; trashed pages flagged). The load
emits the `raw_notion` asset, which schedules `transform_personal__marts__build`.
Settings: `SOURCES__NOTION__*` (App Settings or Airflow Variables), see the README.
"""

from airflow.sdk import dag
from personal.common import DEFAULT_ARGS, START_DATE, raw_load_tasks


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
    raw_load_tasks("notion_habits")


raw_notion__habits__incremental()
