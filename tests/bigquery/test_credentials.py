"""One BigQuery credentials setting, in each of its forms, for the loads and the migrations.

Service account (key fields, inline JSON, key file), OAuth user credentials at a configurable
token endpoint, application default credentials; a missing or refused credential exits 2
naming the setting, never its value.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dlt.common.configuration.specs.gcp_credentials import GcpDefaultCredentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from pipelines.contract.warehouse import from_settings
from pipelines.core import bigquery
from pipelines.registry import PIPELINES
from sandbox.google_people.oauth import REFRESH_TOKEN
from tests.bigquery.conftest import Emulator, oauth_settings
from tests.utils import EntryPoint, PipelineEnv

pytestmark = pytest.mark.filterwarnings("ignore:Cannot create BigQuery Storage client")

PROJECT = "reporting-prod"
EMAIL = f"loader@{PROJECT}.iam.gserviceaccount.com"
VARIABLES = (
    "DESTINATION__BIGQUERY__CREDENTIALS",
    "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID",
    "DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY",
    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL",
    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_ID",
    "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_SECRET",
    "DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN",
    "DESTINATION__BIGQUERY__CREDENTIALS__TOKEN_URI",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_PROJECT",
)


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test sets: no credentials from the machine, no metadata server."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    monkeypatch.setenv("PROVIDERS__ENABLE_AIRFLOW_SECRETS", "false")
    # dlt remembers a failed look-up of default credentials for ten minutes.
    monkeypatch.setattr(GcpDefaultCredentials, "_LAST_FAILED_DEFAULT", 0.0)


def service_account_key() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key": pem,
        "client_email": EMAIL,
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def assert_service_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESTINATION__BIGQUERY__LOCATION", "EU")
    credentials = bigquery.resolve_credentials()
    assert bigquery.credential_form(credentials) == "service_account"
    warehouse = from_settings("bigquery")  # what Alembic and the contract check use
    assert warehouse.url.host == PROJECT
    assert isinstance(warehouse.credentials, service_account.Credentials)
    assert warehouse.credentials.service_account_email == EMAIL


def test_service_account_key_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    key = service_account_key()
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", PROJECT)
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY", key["private_key"])
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL", EMAIL)
    assert_service_account(monkeypatch)


def test_service_account_key_as_inline_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS", json.dumps(service_account_key()))
    assert_service_account(monkeypatch)


def test_service_account_key_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(service_account_key()))
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS", str(key_file))
    assert_service_account(monkeypatch)


def test_application_default_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    adc = tmp_path / "application_default_credentials.json"
    adc.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": "adc-client",
                "client_secret": "adc-client-secret",
                "refresh_token": "adc-refresh-token",
            }
        )
    )
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)
    credentials = bigquery.resolve_credentials()
    assert bigquery.credential_form(credentials) == "default"
    warehouse = from_settings("bigquery")
    assert warehouse.url.host == PROJECT
    assert isinstance(warehouse.credentials, user_credentials.Credentials)
    assert warehouse.credentials.refresh_token == "adc-refresh-token"


def test_oauth_user_credentials_use_the_configured_token_endpoint(
    pipeline_env: PipelineEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = pipeline_env.sandbox
    for key, value in oauth_settings(sandbox, Emulator("http://127.0.0.1:9")).items():
        monkeypatch.setenv(key, value)
    credentials = bigquery.resolve_credentials()
    assert bigquery.credential_form(credentials) == "oauth_user"

    warehouse = from_settings("bigquery")
    native = warehouse.credentials
    assert native.token_uri == f"{sandbox.base_url}/oauth2/token"
    issued = sandbox.apis["google_oauth"].tokens_issued
    warehouse.check_access()  # a token from the sandbox, not from Google
    assert sandbox.apis["google_oauth"].tokens_issued == issued + 1


def test_missing_credentials_exit_2_naming_the_setting(
    pipeline_env: PipelineEnv,
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = EntryPoint(PIPELINES[0], capsys)
    assert entry("--destination", "bigquery") == 2
    assert "DESTINATION__BIGQUERY__CREDENTIALS__" in entry.output.err


def test_refused_credentials_exit_2_naming_the_setting_not_its_value(
    bigquery_env: PipelineEnv,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bigquery_env.sandbox.apis["google_oauth"].revoke_refresh_token()
    for spec in PIPELINES:
        entry = EntryPoint(spec, capsys)
        assert entry("--destination", "bigquery") == 2
        output = entry.output.out + entry.output.err
        assert "DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN" in output
        assert "invalid_grant" in output
        assert REFRESH_TOKEN not in output
