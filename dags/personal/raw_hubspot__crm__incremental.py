"""HubSpot CRM -> `raw_hubspot` (contacts, companies, engagements, associations).

Daily at 05:20 UTC. First `alembic upgrade head` and the warehouse contract check, then
the incremental load (records modified since the last run, archived and merged ones
flagged). The load emits the `raw_hubspot` asset, which schedules
`transform_personal__marts__build`. Settings: `SOURCES__HUBSPOT__*`, see the README.
"""

from airflow.sdk import dag, task
from personal.common import DEFAULT_ARGS, RAW_HUBSPOT, START_DATE, WAREHOUSE_POOL, apply_contract


@dag(
    schedule="20 5 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["personal", "raw", "hubspot", "dlt"],
    doc_md=__doc__,
)
def raw_hubspot__crm__incremental():
    @task(pool=WAREHOUSE_POOL)
    def upgrade_contract() -> str:
        return apply_contract()

    @task(pool=WAREHOUSE_POOL, outlets=[RAW_HUBSPOT])
    def load() -> dict:
        from personal.common import load_raw

        from pipelines.hubspot_crm import SPEC

        return load_raw(SPEC)

    upgrade_contract() >> load()


raw_hubspot__crm__incremental()
