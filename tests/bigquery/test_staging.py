"""GCS staging with parquet for large BigQuery loads: off by default, on by settings.

Configuration is resolved offline (no request leaves the machine); the staged path itself runs
on the emulator with a local directory standing in for the bucket (`file://`), which the
emulator reads as BigQuery reads `gs://`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dlt.common.configuration.specs.gcp_credentials import GcpDefaultCredentials

from pipelines.core import staging
from pipelines.registry import PIPELINES
from pipelines.runner.driver import create_pipeline
from tests.utils import EntryPoint, PipelineEnv

pytestmark = pytest.mark.filterwarnings("ignore:Cannot create BigQuery Storage client")

PROJECT = "reporting-prod"
EMAIL = f"loader@{PROJECT}.iam.gserviceaccount.com"
BUCKET = "gs://reporting-staging/loads"
SPEC = PIPELINES[0]


def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


KEY = private_key()


@pytest.fixture(autouse=True)
def service_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """BigQuery through a service account's key fields; nothing else from the machine."""
    for name in (
        "STAGING_TYPE",
        "DESTINATION__FILESYSTEM__BUCKET_URL",
        "DESTINATION__FILESYSTEM__CREDENTIALS",
        "DESTINATION__BIGQUERY__CREDENTIALS",
        "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_ID",
        "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_SECRET",
        "DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN",
        "DESTINATION__BIGQUERY__CREDENTIALS__TOKEN_URI",
        "BIGQUERY_EMULATOR_HOST",
        "GOOGLE_CLOUD_PROJECT",
    ):
        monkeypatch.delenv(name, raising=False)
    for field in staging.CREDENTIAL_FIELDS:
        monkeypatch.delenv(f"DESTINATION__FILESYSTEM__CREDENTIALS__{field.upper()}", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    monkeypatch.setenv("PROVIDERS__ENABLE_AIRFLOW_SECRETS", "false")
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setattr(GcpDefaultCredentials, "_LAST_FAILED_DEFAULT", 0.0)
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", PROJECT)
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY", KEY)
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL", EMAIL)


def test_staging_is_off_by_default() -> None:
    pipeline = create_pipeline(SPEC, "bigquery")
    assert pipeline.staging is None
    assert staging.loader_file_format(pipeline.destination, None) == "jsonl"  # direct loads
    assert pipeline.destination.capabilities().loader_file_format_selector is None


def test_staging_on_stages_parquet_in_the_bucket_with_the_bigquery_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STAGING_TYPE", "filesystem")
    monkeypatch.setenv("DESTINATION__FILESYSTEM__BUCKET_URL", BUCKET)
    pipeline = create_pipeline(SPEC, "bigquery")

    assert pipeline.staging is not None
    assert pipeline.staging.destination_type == "dlt.destinations.filesystem"
    assert pipeline.staging.config_params["bucket_url"] == BUCKET
    assert staging.loader_file_format(pipeline.destination, pipeline.staging) == "parquet"
    # The bucket is reached with the BigQuery credentials (none of its own configured).
    credentials = pipeline.staging.config_params["credentials"]
    assert credentials is pipeline.destination.config_params["credentials"]
    assert credentials.to_gcs_credentials()["token"]["client_email"] == EMAIL
    # dlt's filesystem configuration takes them for a gs:// bucket.
    initial = pipeline.staging.spec()
    initial.dataset_name = SPEC.dataset
    config = pipeline.staging.configuration(initial, accept_partial=False)
    assert config.protocol == "gs"
    assert config.credentials.client_email == EMAIL

    # Tables with a JSON column go as JSONL (BigQuery loads no JSON column from parquet).
    select = pipeline.destination.capabilities().loader_file_format_selector
    plain = {"name": "t", "columns": {"id": {"name": "id", "data_type": "text"}}}
    with_json = {"name": "t", "columns": {"tags": {"name": "tags", "data_type": "json"}}}
    formats = ["parquet", "jsonl"]
    assert select("parquet", formats, table_schema=plain) == ("parquet", formats)
    assert select("parquet", formats, table_schema=with_json) == ("jsonl", ["jsonl"])


def test_staging_bucket_takes_credentials_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    other = f"stager@{PROJECT}.iam.gserviceaccount.com"
    own_key = {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key": KEY,
        "client_email": other,
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    monkeypatch.setenv("STAGING_TYPE", "filesystem")
    monkeypatch.setenv("DESTINATION__FILESYSTEM__BUCKET_URL", BUCKET)
    monkeypatch.setenv("DESTINATION__FILESYSTEM__CREDENTIALS", json.dumps(own_key))
    pipeline = create_pipeline(SPEC, "bigquery")
    assert pipeline.staging.config_params["credentials"].client_email == other
    assert pipeline.destination.config_params["credentials"].client_email == EMAIL


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"STAGING_TYPE": "filesystem"}, "DESTINATION__FILESYSTEM__BUCKET_URL"),
        (
            {"STAGING_TYPE": "filesystem", "DESTINATION__FILESYSTEM__BUCKET_URL": "s3://b/x"},
            "DESTINATION__FILESYSTEM__BUCKET_URL",
        ),
        (
            {"STAGING_TYPE": "filesystem", "DESTINATION__FILESYSTEM__BUCKET_URL": "file:///tmp/b"},
            "DESTINATION__FILESYSTEM__BUCKET_URL",
        ),
        (
            {
                "STAGING_TYPE": "filesystem",
                "DESTINATION__FILESYSTEM__BUCKET_URL": BUCKET,
                "DESTINATION__FILESYSTEM__CREDENTIALS__PRIVATE_KEY": KEY,
            },
            "DESTINATION__FILESYSTEM__CREDENTIALS__CLIENT_EMAIL",
        ),
        ({"STAGING_TYPE": "s3"}, "STAGING_TYPE"),
    ],
    ids=["no-bucket", "not-gcs", "local-without-emulator", "incomplete-credentials", "unknown"],
)
def test_misconfigured_staging_exits_2_naming_the_setting_never_a_secret(
    pipeline_env: PipelineEnv,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    settings: dict[str, str],
    named: str,
) -> None:
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    entry = EntryPoint(SPEC, capsys)
    assert entry("--destination", "bigquery") == 2
    output = entry.output.out + entry.output.err
    assert named in output
    for line in KEY.splitlines()[1:-1]:
        assert line not in output


def test_staging_on_duckdb_exits_2_naming_the_setting(
    pipeline_env: PipelineEnv,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STAGING_TYPE", "filesystem")
    monkeypatch.setenv("DESTINATION__FILESYSTEM__BUCKET_URL", BUCKET)
    entry = EntryPoint(SPEC, capsys)
    assert entry("--destination", "duckdb") == 2
    assert "STAGING_TYPE" in entry.output.err
    assert not pipeline_env.duckdb_path.exists() or not pipeline_env.row_counts("raw_notion")
