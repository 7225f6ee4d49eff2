"""Settings entered in Airflow (Variables) reach the pipelines and dbt.

Each setting's Variable is named like its environment variable: `SOURCES__NOTION__API_KEY`,
`DBT_TARGET`, ... (the README's configuration table). Enter them in the UI (Admin ->
Variables) or upload a file with `airflow variables import settings.json`. The environment
(App Settings) wins; a Variable fills a setting the environment leaves unset. Every task
calls `export_settings_from_variables()` before it runs a pipeline or dbt.

Secret values are masked in task logs as soon as they are read; the UI hides the values of
Variables whose names contain token, secret, api_key, password, ... and the names listed
in airflow.cfg's `sensitive_var_conn_names` (credentials, private_key, ...).
"""

from __future__ import annotations

import os
from typing import Any

from pipelines.registry import PIPELINES


def env_name(key: str) -> str:
    """dlt's environment spelling of a setting: `sources.notion.api_key` -> SOURCES__NOTION__API_KEY."""
    return key.upper().replace(".", "__")


SECRET_SETTINGS = frozenset(
    {env_name(key) for spec in PIPELINES for key in spec.secret_keys}
    | {
        "DESTINATION__BIGQUERY__CREDENTIALS",
        "DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY",
        "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_SECRET",
        "DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN",
    }
)

SETTINGS: tuple[str, ...] = (
    "SOURCES__NOTION__API_KEY",
    "SOURCES__NOTION__BASE_URL",
    "SOURCES__NOTION__DATABASES",
    "SOURCES__HUBSPOT__ACCESS_TOKEN",
    "SOURCES__HUBSPOT__BASE_URL",
    "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_ID",
    "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_SECRET",
    "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__REFRESH_TOKEN",
    "SOURCES__GOOGLE_PEOPLE__TOKEN_URI",
    "SOURCES__GOOGLE_PEOPLE__BASE_URL",
    "DESTINATION__DUCKDB__CREDENTIALS",
    "DESTINATION__BIGQUERY__LOCATION",
    "DESTINATION__BIGQUERY__CREDENTIALS",
    "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID",
    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL",
    "DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY",
    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_ID",
    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_SECRET",
    "DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN",
    "DESTINATION__BIGQUERY__CREDENTIALS__TOKEN_URI",
    "RUNNER__LOCK_TIMEOUT_SECONDS",
)


def export_settings_from_variables(context: Any = None) -> list[str]:
    """Copy each setting the environment leaves unset from its Variable; return their names.

    Usable as an operator's `pre_execute` hook. The dbt DAG's per-model watchers skip it on
    their first try: they only read the producer's progress (a retry runs dbt itself).
    """
    from airflow.sdk import Variable
    from airflow.sdk.log import mask_secret

    watcher = context is not None and getattr(context["task"], "producer_task_id", None)
    if watcher and context["ti"].try_number <= 1:
        return []

    exported = []
    for name in SETTINGS:
        if os.environ.get(name):
            continue
        value = Variable.get(name, default=None)
        if value in (None, ""):
            continue
        if name in SECRET_SETTINGS:
            mask_secret(value, name)
        os.environ[name] = str(value)
        exported.append(name)
    return exported
