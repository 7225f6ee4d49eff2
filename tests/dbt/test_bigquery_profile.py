"""dbt's BigQuery profile in each credential form, offline.

`dbt/personal/profiles.yml` is rendered by dbt's own profile loader (in this process) with the
settings of each form, and dbt-bigquery builds the Google credentials it would connect with.
Building them sends nothing: a service account key signs locally, user credentials hold a
refresh token until their first request, and application default credentials are read from
the file GOOGLE_APPLICATION_CREDENTIALS names.
"""

from __future__ import annotations

import json
import os
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from tests.bigquery.test_credentials import EMAIL, PROJECT, VARIABLES, service_account_key
from tests.dbt.conftest import DBT_PROJECT

BIGQUERY_SCOPE = "https://www.googleapis.com/auth/bigquery"


@pytest.fixture(autouse=True)
def only_these_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (*VARIABLES, "DESTINATION__BIGQUERY__PROJECT_ID", "DBT_BIGQUERY_METHOD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    monkeypatch.setenv("DESTINATION__BIGQUERY__LOCATION", "EU")
    monkeypatch.setenv("DO_NOT_TRACK", "1")


def bigquery_profile() -> Any:
    """The `bigquery` target's credentials, as dbt renders and validates them."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    set_invocation_context(dict(os.environ))  # what env_var() reads: this test's settings
    set_from_args(Namespace(PROFILES_DIR=str(DBT_PROJECT)), None)
    profile = Profile.from_raw_profiles(
        read_profile(str(DBT_PROJECT)),
        "personal_reporting",
        ProfileRenderer({}),
        target_override="bigquery",
    )
    return profile.credentials


def google_credentials(profile: Any) -> Any:
    """What dbt-bigquery connects with (built locally, no request)."""
    from dbt.adapters.bigquery.credentials import create_google_credentials

    return create_google_credentials(profile)


def assert_service_account(profile: Any, method: str) -> None:
    assert profile.method == method
    assert profile.database == PROJECT
    assert profile.schema == "analytics"
    assert profile.location == "EU"
    native = google_credentials(profile)
    assert isinstance(native, service_account.Credentials)
    assert native.service_account_email == EMAIL
    assert native.project_id == PROJECT
    assert list(native.scopes) == [BIGQUERY_SCOPE]


def test_service_account_key_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    key = service_account_key()
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", PROJECT)
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY", key["private_key"])
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL", EMAIL)
    profile = bigquery_profile()
    assert_service_account(profile, "service-account-json")
    assert profile.keyfile_json["private_key"] == key["private_key"]


def test_service_account_key_fields_with_escaped_newlines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key pasted on one line (App Settings), its newlines written as `\\n`."""
    key = service_account_key()
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", PROJECT)
    monkeypatch.setenv(
        "DESTINATION__BIGQUERY__CREDENTIALS__PRIVATE_KEY", key["private_key"].replace("\n", "\\n")
    )
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_EMAIL", EMAIL)
    assert_service_account(bigquery_profile(), "service-account-json")


def test_service_account_key_as_inline_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS", json.dumps(service_account_key()))
    profile = bigquery_profile()  # the project comes from the key
    assert_service_account(profile, "service-account-json")


def test_service_account_key_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(service_account_key()))
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS", f" {key_file} ")
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", PROJECT)
    profile = bigquery_profile()
    assert profile.keyfile == str(key_file)
    assert_service_account(profile, "service-account")


def test_oauth_user_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    token_uri = "http://127.0.0.1:9/oauth2/token"
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID", PROJECT)
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_ID", "client-id")
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__REFRESH_TOKEN", "refresh-token")
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS__TOKEN_URI", token_uri)
    profile = bigquery_profile()
    assert profile.method == "oauth-secrets"
    assert profile.database == PROJECT
    native = google_credentials(profile)
    assert isinstance(native, user_credentials.Credentials)
    assert (native.client_id, native.refresh_token) == ("client-id", "refresh-token")
    assert native.token_uri == token_uri
    assert list(native.scopes) == [BIGQUERY_SCOPE]


def adc_file(tmp_path: Path) -> Path:
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
    return adc


@pytest.mark.parametrize(
    "project_variable", ["GOOGLE_CLOUD_PROJECT", "DESTINATION__BIGQUERY__CREDENTIALS__PROJECT_ID"]
)
def test_application_default_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, project_variable: str
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc_file(tmp_path)))
    monkeypatch.setenv(project_variable, PROJECT)
    profile = bigquery_profile()
    assert profile.method == "oauth"
    assert profile.database == PROJECT
    native = google_credentials(profile)
    assert isinstance(native, user_credentials.Credentials)
    assert native.refresh_token == "adc-refresh-token"


def test_destination_project_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS", json.dumps(service_account_key()))
    monkeypatch.setenv("DESTINATION__BIGQUERY__PROJECT_ID", "reporting-data")
    assert bigquery_profile().database == "reporting-data"


def test_method_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """DBT_BIGQUERY_METHOD=oauth: application default credentials, even with a key set."""
    monkeypatch.setenv("DESTINATION__BIGQUERY__CREDENTIALS", json.dumps(service_account_key()))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc_file(tmp_path)))
    monkeypatch.setenv("DBT_BIGQUERY_METHOD", "oauth")
    profile = bigquery_profile()
    assert profile.method == "oauth"
    assert isinstance(google_credentials(profile), user_credentials.Credentials)
