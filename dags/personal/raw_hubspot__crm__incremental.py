"""HubSpot CRM -> `raw_hubspot` (contacts, companies, engagements, associations).

Daily at 05:20 UTC. First `alembic upgrade head` and the warehouse contract check, then
the incremental load (records modified since the last run, archived and merged ones
flagged). The load emits the `raw_hubspot` asset, which schedules
`transform_personal__marts__build`. Settings: `SOURCES__HUBSPOT__*`, see the README.
"""

from airflow.sdk import dag
from personal.common import DEFAULT_ARGS, START_DATE, raw_load_tasks


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
    raw_load_tasks("hubspot_crm")


raw_hubspot__crm__incremental()
