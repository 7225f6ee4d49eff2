"""The sandbox with a benchmark workload, in a process of its own.

    python -m bench.serve --workload '{"hubspot_contacts": 100000}' --settings FILE [--rate-limits]

Serving from another process keeps the API's work off the measured pipeline's interpreter
(on 2 cores: one each). The settings that point the pipelines at it are written to FILE as
JSON once the data is in place; the request log is read over the sandbox's control API.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from pathlib import Path

import httpx

from .core import ROOT
from .workloads import Workload, anchor, populate, sizes


def main(argv: list[str] | None = None) -> int:
    from sandbox import Sandbox

    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("--workload", default="{}")
    parser.add_argument("--settings", type=Path, required=True)
    parser.add_argument("--rate-limits", action="store_true")
    args = parser.parse_args(argv)
    sandbox = Sandbox(port=0, anchor=anchor())
    populate(sandbox, Workload(**json.loads(args.workload)))
    if args.rate_limits:
        sandbox.enforce_rate_limits(True)
    ready = {
        "base_url": sandbox.base_url,
        "env": sandbox.client_settings(),
        "sizes": sizes(sandbox),
    }
    partial = args.settings.with_suffix(".partial")
    partial.write_text(json.dumps(ready), encoding="utf-8")
    partial.replace(args.settings)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with suppress(KeyboardInterrupt, SystemExit):
        sandbox.serve_forever()
    return 0


class RemoteSandbox:
    """The parent's handle: settings, sizes and the request log of the served sandbox."""

    def __init__(self, ready: dict) -> None:
        self.base_url: str = ready["base_url"]
        self.env: dict[str, str] = ready["env"]
        self.sizes: dict[str, dict[str, int]] = ready["sizes"]
        self._http = httpx.Client(base_url=self.base_url, timeout=60)

    def clear_log(self) -> None:
        self._http.delete("/_sandbox/requests").raise_for_status()

    def requests(self, api: str) -> list[dict]:
        response = self._http.get("/_sandbox/requests", params={"api": api})
        response.raise_for_status()
        return response.json()


@contextmanager
def served(workload: Workload, *, rate_limits: bool, settings_dir: Path) -> Iterator[RemoteSandbox]:
    settings = settings_dir / "sandbox.json"
    command = [
        sys.executable,
        "-m",
        "bench.serve",
        "--workload",
        json.dumps({k: v for k, v in asdict(workload).items() if v is not None}),
        "--settings",
        str(settings),
    ] + (["--rate-limits"] if rate_limits else [])
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        while not settings.exists():
            if process.poll() is not None:
                raise RuntimeError(f"the benchmark sandbox exited with {process.returncode}")
            time.sleep(0.2)
        yield RemoteSandbox(json.loads(settings.read_text(encoding="utf-8")))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    raise SystemExit(main())
