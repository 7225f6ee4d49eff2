"""Fixtures for the HubSpot tests: the sandbox's CRM, an SDK client, fast pipeline settings."""

from __future__ import annotations

from collections import Counter

import hubspot
import pytest

from pipelines.registry import HUBSPOT_CRM
from sandbox import Sandbox
from sandbox.hubspot import ACCESS_TOKEN
from sandbox.hubspot.store import CrmStore
from tests.utils import EntryPoint, PipelineEnv, fast_retries


@pytest.fixture
def crm(sandbox: Sandbox) -> CrmStore:
    """The sandbox's CRM data with its mutation helpers."""
    return sandbox.apis["hubspot"].store


@pytest.fixture
def sdk(sandbox: Sandbox) -> hubspot.HubSpot:
    """The official client, pointed at the sandbox."""
    return hubspot.HubSpot(access_token=ACCESS_TOKEN, host=sandbox.url("hubspot"))


@pytest.fixture
def hubspot_env(pipeline_env: PipelineEnv, monkeypatch: pytest.MonkeyPatch) -> PipelineEnv:
    """The pipeline against the sandbox, with back-off and search pacing shrunk for speed."""
    fast_retries(monkeypatch, "hubspot")
    monkeypatch.setenv("SOURCES__HUBSPOT__SEARCH_REQUESTS_PER_SECOND", "0")
    return pipeline_env


load = EntryPoint(HUBSPOT_CRM)  # `python pipelines/hubspot_crm.py` in-process


def requests_by_endpoint(sandbox: Sandbox) -> Counter[tuple[str, str]]:
    """(method, path) -> how many requests the sandbox answered for HubSpot."""
    return Counter((e.method, e.path) for e in sandbox.log.entries("hubspot"))
