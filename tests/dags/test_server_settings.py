"""script/server refuses to start in production without real secrets and PostgreSQL.

Only the settings check runs here (`--check`, or the refusal that comes before any
setup): nothing is installed or started.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from pipelines.core.paths import PROJECT_ROOT

SERVER = PROJECT_ROOT / "script" / "server"
VALID = {
    "AIRFLOW__API__SECRET_KEY": "k3Jx9-api-secret-value-for-tests-only-0123456789",
    "AIRFLOW__API_AUTH__JWT_SECRET": "Q7pL2-jwt-secret-value-for-tests-only-0123456789",
    "AIRFLOW__CORE__FERNET_KEY": "jx2K0b5FhXo0x3tq6TQy1n3TWu3l1UIqTwY8dKk5MZo=",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "postgresql://airflow:pg-pass-4711@db.example:5432/airflow",
    "AIRFLOW_ADMIN_PASSWORD": "correct-horse-battery-staple",
}


def server(settings: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), **settings}
    return subprocess.run(
        ["bash", str(SERVER), *args], env=env, capture_output=True, text=True, check=False
    )


def test_valid_production_settings_pass_the_check():
    done = server(VALID, "--production", "--check")
    assert (done.returncode, done.stdout.strip()) == (0, "script/server: settings OK (production)")


@pytest.mark.parametrize("name", sorted(VALID))
def test_missing_setting_is_refused_by_name(name: str):
    settings = {key: value for key, value in VALID.items() if key != name}
    done = server(settings, "--production")
    assert done.returncode == 1
    assert "refusing to start in production" in done.stderr
    assert f"{name} is not set" in done.stderr


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("AIRFLOW__API__SECRET_KEY", "{SECRET_KEY}", "well-known default"),
        ("AIRFLOW__API__SECRET_KEY", "temporary_key", "well-known default"),
        ("AIRFLOW__API_AUTH__JWT_SECRET", "changeme", "well-known default"),
        ("AIRFLOW__API_AUTH__JWT_SECRET", "short-jwt-secret-9", "shorter than 32"),
        ("AIRFLOW__CORE__FERNET_KEY", "{FERNET_KEY}", "well-known default"),
        (
            "AIRFLOW__CORE__FERNET_KEY",
            "not-a-fernet-key-but-long-enough-000000000000",
            "not a Fernet key",
        ),
        (
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
            "sqlite:////home/site/airflow.db",
            "points at SQLite",
        ),
        ("AIRFLOW_ADMIN_PASSWORD", "admin", "well-known default"),
    ],
)
def test_weak_setting_is_refused_without_printing_it(name: str, value: str, problem: str):
    done = server({**VALID, name: value}, "--production")
    assert done.returncode == 1
    assert name in done.stderr and problem in done.stderr
    output = done.stdout + done.stderr
    for secret in (value, *VALID.values()):
        assert secret not in output


@pytest.mark.parametrize("marker", [{"AIRFLOW_ENV": "production"}, {"WEBSITE_INSTANCE_ID": "1a2b"}])
def test_production_is_detected_without_the_flag(marker: dict[str, str]):
    settings = {key: value for key, value in VALID.items() if key != "AIRFLOW__CORE__FERNET_KEY"}
    done = server({**settings, **marker}, "--check")
    assert done.returncode == 1
    assert "AIRFLOW__CORE__FERNET_KEY is not set" in done.stderr


def test_local_mode_needs_no_secrets():
    done = server({}, "--check")
    assert (done.returncode, done.stdout.strip()) == (0, "script/server: settings OK (local)")


def test_fernet_key_rotation_is_accepted():
    """`new,old` while rotating: both must be Fernet keys, and neither is printed."""
    old = "pQ8wVhR6m1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7Q="
    rotating = {**VALID, "AIRFLOW__CORE__FERNET_KEY": f"{VALID['AIRFLOW__CORE__FERNET_KEY']},{old}"}
    assert server(rotating, "--production", "--check").returncode == 0
    broken = {**VALID, "AIRFLOW__CORE__FERNET_KEY": f"{VALID['AIRFLOW__CORE__FERNET_KEY']},old-key"}
    done = server(broken, "--production", "--check")
    assert done.returncode == 1 and "not a Fernet key" in done.stderr
    assert "old-key" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("destination", "target"),
    [("bigquery", None), (None, "bigquery"), ("duckdb", "bigquery"), ("bigquery", "duckdb")],
)
def test_destination_and_dbt_target_must_agree(destination: str | None, target: str | None):
    settings = dict(VALID)
    if destination:
        settings["DESTINATION_TYPE"] = destination
    if target:
        settings["DBT_TARGET"] = target
    done = server(settings, "--production", "--check")
    assert done.returncode == 1
    assert "DESTINATION_TYPE" in done.stderr and "DBT_TARGET" in done.stderr


def test_agreeing_bigquery_destination_and_target_pass():
    settings = {**VALID, "DESTINATION_TYPE": "bigquery", "DBT_TARGET": "bigquery"}
    assert server(settings, "--production", "--check").returncode == 0
