"""`python -m sandbox` as a process: prints its settings, writes a sourceable env file, serves."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def start_sandbox(*flags: str) -> tuple[subprocess.Popen, dict]:
    """`python -m sandbox --port 0 FLAGS`, and the settings JSON it prints before serving."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    while not lines or lines[-1] not in ("}\n", ""):
        lines.append(process.stdout.readline())
    return process, json.loads("".join(lines))


def test_python_m_sandbox_serves_and_prints_its_settings(tmp_path: Path) -> None:
    env_file = tmp_path / "sandbox.env"
    process, printed = start_sandbox("--anchor-date", "2026-10-31", "--env-file", str(env_file))
    try:
        settings = printed["settings"]
        assert settings["SOURCES__NOTION__BASE_URL"] == printed["base_url"] + "/notion"
        assert json.loads(settings["SOURCES__NOTION__DATABASES"]).keys() == {
            "daily_habits",
            "weekly_habits",
        }

        sourced = subprocess.run(
            ["bash", "-c", f'set -a; . {env_file}; echo "$SOURCES__NOTION__DATABASES"'],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(sourced.stdout) == json.loads(settings["SOURCES__NOTION__DATABASES"])

        request = urllib.request.Request(
            settings["SOURCES__HUBSPOT__BASE_URL"] + "/crm/v3/objects/contacts?limit=1",
            headers={"Authorization": f"Bearer {settings['SOURCES__HUBSPOT__ACCESS_TOKEN']}"},
        )
        with urllib.request.urlopen(request) as response:
            assert len(json.loads(response.read())["results"]) == 1
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_cli_flags_set_the_new_fault_settings() -> None:
    process, printed = start_sandbox(
        "--fault-rate",
        "1",
        "--fault-kinds",
        "429",
        "--fault-retry-after",
        "4",
        "--fault-slow-seconds",
        "0.5",
    )
    try:
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(printed["settings"]["SOURCES__HUBSPOT__BASE_URL"] + "/x")
        assert caught.value.code == 429 and caught.value.headers["Retry-After"] == "4"
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    refused = subprocess.run(
        [sys.executable, "-m", "sandbox", "--port", "0", "--fault-kinds", "429,timeout"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "unknown fault kinds ['timeout']" in refused.stderr
