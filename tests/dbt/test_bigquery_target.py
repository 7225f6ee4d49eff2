"""The BigQuery target, offline: the project parses, and its models render to BigQuery SQL.

No request leaves the machine: `dbt parse` needs no connection, and compiling the models
with a throwaway service-account key only renders SQL (nothing is sent before a query).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlglot
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.dbt.conftest import DbtRun, run_dbt

PROJECT_ID = "personal-reporting-offline"
# Habit columns given, so compiling needs no look at the warehouse.
# The raw columns the models would read from the warehouse (compiling asks nothing of it).
HABIT_COLUMNS = (
    "{notion_habit_columns: {"
    "daily_habits: {checkbox: [meditated, workout], number: [sleep_hours]}, "
    "weekly_habits: {checkbox: [long_run], number: [deep_work_hours]}}, "
    "raw_column_names: {"
    "raw_hubspot.contacts: [email, firstname, lastname, phone, company, jobtitle], "
    "raw_hubspot.companies: [name, domain, industry, city, numberofemployees], "
    "raw_hubspot.engagements: [hs_timestamp, hs_call_title, hs_note_body, hs_call_duration]}}"
)

# Text that is DuckDB's dialect and not BigQuery's: `::` casts, JSON and list functions,
# the 'g' regex flag, date_trunc with the part first, timezone(), aggregate FILTER clauses.
DUCKDB_ONLY = (
    "::",
    "json_extract",
    "json_type(",
    "json[]",
    "list_value(",
    "list_extract(",
    ", 'g')",
    "date_trunc('",
    "date_diff('",
    "datediff('",
    "strftime(",
    "timezone(",
    "filter (where",
)


def throwaway_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class BigQueryProject:
    parse: DbtRun
    compile: DbtRun


@pytest.fixture(scope="module")
def bigquery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigQueryProject]:
    """`dbt parse`, then `dbt compile` of the models, for the BigQuery target.

    Both see the same settings, so the compile reuses the parse (dbt's partial parsing).
    """
    work_dir = tmp_path_factory.mktemp("bigquery")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DO_NOT_TRACK", "1")
        env.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        env.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", PROJECT_ID)
        env.setenv("DESTINATION__BIGQUERY__LOCATION", "EU")
        env.setenv(
            "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL",
            f"dbt@{PROJECT_ID}.iam.gserviceaccount.com",
        )
        env.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY", throwaway_private_key())
        env.delenv("DBT_BIGQUERY_METHOD", raising=False)
        common = ("--target", "bigquery", "--vars", HABIT_COLUMNS)
        parsed = run_dbt("parse", *common, work_dir=work_dir)
        compiled = run_dbt(
            "compile",
            *common,
            "--no-populate-cache",
            "--select",
            "resource_type:model",
            work_dir=work_dir,
        )
        yield BigQueryProject(parsed, compiled)


def test_parse_for_bigquery_reads_raw_datasets_of_the_project(bigquery: BigQueryProject) -> None:
    assert bigquery.parse.success, bigquery.parse.output
    manifest = bigquery.parse.artifact("manifest.json")
    assert manifest["metadata"]["adapter_type"] == "bigquery"
    sources = {(s["database"], s["schema"], s["name"]) for s in manifest["sources"].values()}
    assert (PROJECT_ID, "raw_notion", "daily_habits") in sources
    assert {schema for _, schema, _ in sources} == {"raw_notion", "raw_hubspot", "raw_google"}
    assert {database for database, _, _ in sources} == {PROJECT_ID}
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) == 16
    assert {m["schema"] for m in models} == {
        "analytics_staging",
        "analytics_intermediate",
        "analytics_marts",
    }
    # Unit tests run on DuckDB only: on BigQuery their JSON fixtures could not be cast.
    assert manifest["unit_tests"] == {}
    disabled = [n for nodes in manifest["disabled"].values() for n in nodes]
    assert sum(n["resource_type"] == "unit_test" for n in disabled) == 6


def test_bigquery_target_names_the_missing_project_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", raising=False)
    result = run_dbt("parse", "--target", "bigquery", work_dir=tmp_path)
    assert not result.success
    assert "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID" in result.output


def test_models_compile_to_bigquery_sql(bigquery: BigQueryProject) -> None:
    assert bigquery.compile.success, bigquery.compile.output
    assert "Starting full parse" not in bigquery.compile.output
    compiled = {
        path.stem: path.read_text()
        for path in (bigquery.compile.target / "compiled").rglob("*.sql")
        if not path.parent.name.endswith(".yml")  # data tests sit under their YAML file
    }
    assert len(compiled) == 16
    for name, sql in compiled.items():
        sqlglot.parse_one(sql, read="bigquery")  # raises on SQL BigQuery cannot read
        assert f"`{PROJECT_ID}`." in sql, name
    # The engine-specific pieces take their BigQuery form.
    assert "json_query_array(" in compiled["int_contact_identifiers_normalised"]
    assert (
        "regexp_replace(raw_identifier, r'[^0-9]', '')"
        in compiled["int_contact_identifiers_normalised"]
    )
    assert (
        "json_value(phone_item, '$.canonical_form')"
        in compiled["int_contact_identifiers_normalised"]
    )
    assert (
        "date_sub(period_start, interval mod(extract(dayofweek from period_start) + 5, 7) day)"
        in compiled["habit_completion"]
    )
    assert "date(engagements.occurred_at, 'UTC')" in compiled["engagements"]
    assert "`raw_notion`.`daily_habits`" in compiled["stg_notion__habits"]
    assert "`date`" in compiled["stg_notion__habits"]
    # No DuckDB-only form slips through (each parses, but fails or differs on BigQuery).
    for name, sql in compiled.items():
        flat = " ".join(sql.lower().split())
        for duckdb_only in DUCKDB_ONLY:
            assert duckdb_only not in flat, (name, duckdb_only)
