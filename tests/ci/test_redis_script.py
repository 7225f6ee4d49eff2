"""script/redis starts a throwaway broker on loopback that answers, and stops it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import redis

from pipelines.core.paths import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "script" / "redis"


def test_starts_a_throwaway_server_and_stops_it(tmp_path: Path) -> None:
    started = subprocess.run(
        [str(SCRIPT), "--start", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip().splitlines()[-1]
    assert url.startswith("redis://127.0.0.1:") and url.endswith("/0")
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        assert client.set("broker", "ok") and client.get("broker") == b"ok"
        assert client.config_get("save") == {"save": ""}  # throwaway: nothing written to disk
    finally:
        stopped = subprocess.run([str(SCRIPT), "--stop", str(tmp_path)], timeout=60)
    assert stopped.returncode == 0
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(url, socket_timeout=5).ping()
