"""Fixtures for the Notion source: the sandbox's workspace, the SDK, fast retries, a load."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import notion_client
import pytest

from pipelines.registry import NOTION_HABITS
from sandbox import Sandbox
from sandbox.notion import API_KEY, NotionApi, NotionStore
from tests.utils import EntryPoint, PipelineEnv, fast_retries

# After the sample data's last day (2026-10-31); tests move the clock from here.
START = datetime(2026, 11, 2, 9, 0, 12, tzinfo=UTC)


@pytest.fixture
def notion(sandbox: Sandbox) -> NotionApi:
    api = sandbox.apis["notion"]
    assert isinstance(api, NotionApi)
    sandbox.clock.freeze(START)
    return api


@pytest.fixture
def store(notion: NotionApi) -> NotionStore:
    return notion.store


@pytest.fixture
def sdk(sandbox: Sandbox) -> notion_client.Client:
    """The official SDK pointed at the sandbox, its own retries off to see every answer."""
    return notion_client.Client(auth=API_KEY, base_url=sandbox.url("notion"), retry=False)


@pytest.fixture
def notion_env(pipeline_env: PipelineEnv, notion: NotionApi, monkeypatch) -> PipelineEnv:
    """pipeline_env with millisecond retry backoff (faults must not slow the suite down)."""
    fast_retries(monkeypatch, "notion")
    return pipeline_env


@pytest.fixture
def load(notion_env: PipelineEnv, capsys) -> EntryPoint:
    """Run `python pipelines/notion_habits.py` in-process; returns its exit code."""

    return EntryPoint(NOTION_HABITS, capsys)


def configure_tables(monkeypatch: pytest.MonkeyPatch, **tables: str) -> None:
    monkeypatch.setenv("SOURCES__NOTION__DATABASES", json.dumps(tables))


def rows_by_id(env: PipelineEnv, table: str, columns: str) -> dict[str, tuple]:
    """{page id: (columns...)} of a raw_notion table."""
    found = env.query(f"select id, {columns} from raw_notion.{table}")
    return {row[0]: row[1:] for row in found}
