"""Fixtures shared by every test: a fresh sandbox and an isolated dlt + DuckDB environment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sandbox import Sandbox
from tests.utils import PipelineEnv

# The sample data's last day is pinned so every test sees the same rows.
SANDBOX_ANCHOR = date(2026, 10, 31)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, seed=7, anchor=SANDBOX_ANCHOR) as running:
        yield running


@pytest.fixture
def pipeline_env(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> PipelineEnv:
    """Point dlt's working dir, the DuckDB file and every source at this test's sandbox."""
    env = PipelineEnv(root=tmp_path, sandbox=sandbox)
    for key, value in env.variables().items():
        monkeypatch.setenv(key, value)
    return env
