"""Fixtures for the Google People source: the sandbox address book, the official client,
fast retries, and an in-process run of the entry script."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from pipelines.registry import GOOGLE_CONTACTS
from sandbox import Sandbox
from sandbox.google_people import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    ContactsStore,
    GooglePeopleApi,
)
from tests.utils import EntryPoint, PipelineEnv, fast_retries

# After the sample data's last day (2026-10-31); tests move the clock from here.
START = datetime(2026, 11, 2, 9, 0, 12, tzinfo=UTC)


@pytest.fixture
def google(sandbox: Sandbox) -> GooglePeopleApi:
    api = sandbox.apis["google_people"]
    assert isinstance(api, GooglePeopleApi)
    sandbox.clock.freeze(START)
    return api


@pytest.fixture
def store(google: GooglePeopleApi) -> ContactsStore:
    return google.store


def people_service(
    sandbox: Sandbox, *, refresh_token: str = REFRESH_TOKEN, client_secret: str = CLIENT_SECRET
):
    """The official client, as the real API would be used, pointed at the sandbox."""
    credentials = Credentials(
        token=None,
        refresh_token=refresh_token,
        token_uri=sandbox.url("google_oauth") + "/token",
        client_id=CLIENT_ID,
        client_secret=client_secret,
    )
    return build(
        "people",
        "v1",
        credentials=credentials,
        static_discovery=True,
        client_options={"api_endpoint": sandbox.url("google_people") + "/"},
    )


@pytest.fixture
def service(sandbox: Sandbox, google: GooglePeopleApi):
    return people_service(sandbox)


@pytest.fixture
def google_env(pipeline_env: PipelineEnv, google: GooglePeopleApi, monkeypatch) -> PipelineEnv:
    """pipeline_env with millisecond retry backoff (faults must not slow the suite down)."""
    fast_retries(monkeypatch, "google_people")
    return pipeline_env


@pytest.fixture
def load(google_env: PipelineEnv, capsys) -> EntryPoint:
    """Run `python pipelines/google_contacts.py` in-process; returns its exit code."""

    return EntryPoint(GOOGLE_CONTACTS, capsys)


def connection_calls(sandbox: Sandbox) -> list[dict[str, list[str]]]:
    """Query parameters of every people/me/connections request answered so far."""
    return [
        parse_qs(e.query)
        for e in sandbox.log.entries("google_people")
        if e.path == "/v1/people/me/connections"
    ]
