"""Notion habit trackers -> `raw_notion`, reloaded from scratch. Manual only (no schedule).

Trigger it when the raw tables should be rebuilt from the API: after changing which
databases are loaded, or to recover from a bad edit in the warehouse. The load wipes
this pipeline's raw tables and its incremental state, then reads everything again (the
contract upgrade and check come first, as in the daily DAG). It emits the `raw_notion` asset,
so the marts are rebuilt afterwards. Waits for the daily load if one is running (the
warehouse pool and the pipeline's run lock).
"""

from airflow.sdk import dag
from personal.common import DEFAULT_ARGS, START_DATE, raw_load_tasks


@dag(
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["personal", "raw", "notion", "dlt", "full-refresh"],
    doc_md=__doc__,
)
def raw_notion__habits__full_refresh():
    raw_load_tasks("notion_habits", full_refresh=True)


raw_notion__habits__full_refresh()
