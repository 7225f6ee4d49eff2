"""`dlt pipeline <name> show`: the open-source dashboard serves a loaded pipeline.

dlt is pinned to 1.26.0 because later releases need a commercial package for this
command; this test fails if an upgrade takes the dashboard away.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipelines.notion_habits import SPEC
from pipelines.runner import main
from tests.utils import PipelineEnv


def fetch_when_listening(url: str, process: subprocess.Popen, attempts: int = 120) -> str:
    """GET `url` once the server accepts connections (it prints its URL just before)."""
    for _ in range(attempts):
        assert process.poll() is None, "the dashboard exited"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200
                return response.read().decode("utf-8", "replace")
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionRefusedError):
                raise
            time.sleep(0.25)  # readiness poll, bounded by `attempts`
    raise AssertionError(f"nothing listened on {url}")


def test_dashboard_serves_the_loaded_pipeline(pipeline_env: PipelineEnv) -> None:
    assert main(SPEC, ["--progress", "none"]) == 0
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    process = subprocess.Popen(
        [str(bin_dir / "dlt"), "pipeline", SPEC.name, "show"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=pipeline_env.root,
        start_new_session=True,  # dlt starts marimo as a child: stop the whole group
    )
    try:
        url = None
        for line in process.stdout:  # marimo prints its URL once it listens
            found = re.search(r"URL: (http://\S+)", line)
            if found:
                url = found.group(1)
                break
        assert url, "the dashboard never reported its URL"
        page = fetch_when_listening(url.replace("localhost", "127.0.0.1"), process)
        assert "marimo" in page.lower()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
