"""Google Contacts (People API) -> `raw_google` (contacts and contact groups).

Daily at 05:40 UTC. First `alembic upgrade head` and the warehouse contract check, then
the incremental load (changes since the stored sync token; an expired token falls back
to a full sync). The load emits the `raw_google` asset, which schedules
`transform_personal__marts__build`. Settings: `SOURCES__GOOGLE_PEOPLE__*`, see the README.
"""

from airflow.sdk import dag, task
from personal.common import DEFAULT_ARGS, RAW_GOOGLE, START_DATE, WAREHOUSE_POOL, apply_contract


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
    @task(pool=WAREHOUSE_POOL)
    def upgrade_contract() -> str:
        return apply_contract()

    @task(pool=WAREHOUSE_POOL, outlets=[RAW_GOOGLE])
    def load() -> dict:
        from personal.common import load_raw

        from pipelines.google_contacts import SPEC

        return load_raw(SPEC)

    upgrade_contract() >> load()


raw_google__contacts__incremental()
