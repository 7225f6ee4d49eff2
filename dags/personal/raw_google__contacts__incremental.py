"""Google Contacts (People API) -> `raw_google` (contacts and contact groups).

Daily at 05:40 UTC. First `alembic upgrade head` and the warehouse contract check, then
the incremental load (changes since the stored sync token; an expired token falls back
to a full sync). The load emits the `raw_google` asset, which schedules
`transform_personal__marts__build`. Settings: `SOURCES__GOOGLE_PEOPLE__*`, see the README.
"""

from airflow.sdk import dag
from personal.common import DEFAULT_ARGS, START_DATE, raw_load_tasks


@dag(
    schedule="40 5 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["personal", "raw", "google", "dlt"],
    doc_md=__doc__,
)
def raw_google__contacts__incremental():
    raw_load_tasks("google_contacts")


raw_google__contacts__incremental()
