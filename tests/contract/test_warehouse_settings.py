"""The migrations reach the warehouse through the pipelines' own settings."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pipelines.contract.warehouse import from_settings
from tests.contract.conftest import Warehouse


def test_duckdb_is_the_file_the_pipelines_write(warehouse: Warehouse) -> None:
    target = from_settings()
    assert (target.kind, target.url.database) == ("duckdb", str(warehouse.duckdb_path))


def test_destination_type_setting_chooses_bigquery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESTINATION_TYPE", "bigquery")
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", "reporting-dev")
    monkeypatch.setenv("DESTINATION__BIGQUERY__LOCATION", "europe-west3")
    target = from_settings(offline=True)  # no credentials needed to write DDL
    assert (target.kind, target.url.host, target.location) == (
        "bigquery",
        "reporting-dev",
        "europe-west3",
    )


@pytest.mark.filterwarnings("ignore:Cannot create BigQuery Storage client")
def test_bigquery_engine_carries_the_pipelines_project_location_and_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", "reporting-prod")
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY", pem)
    monkeypatch.setenv(
        "DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL",
        "loader@reporting-prod.iam.gserviceaccount.com",
    )
    monkeypatch.setenv("DESTINATION__BIGQUERY__LOCATION", "EU")

    engine = from_settings("bigquery").engine()
    with engine.connect() as connection:  # the client is built locally; no request is sent
        client = connection.connection.dbapi_connection._client
        assert (client.project, client.location) == ("reporting-prod", "EU")
        assert client._credentials.service_account_email == (
            "loader@reporting-prod.iam.gserviceaccount.com"
        )
    engine.dispose()
