"""`python -m sandbox` as a process: prints its settings, writes a sourceable env file, serves."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path


def test_python_m_sandbox_serves_and_prints_its_settings(tmp_path: Path) -> None:
    env_file = tmp_path / "sandbox.env"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "--port",
            "0",
            "--anchor-date",
            "2026-10-31",
            "--env-file",
            str(env_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not lines or lines[-1] != "}\n":  # the settings JSON, printed before serving
            lines.append(process.stdout.readline())
        printed = json.loads("".join(lines))
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
