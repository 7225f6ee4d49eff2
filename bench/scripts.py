"""Wall time of the project's own scripts: script/demo on a warm environment (the
virtualenv and its packages already in place, as after a first run) and script/test.

These are measured, not targeted. `--quick` leaves out script/test (the whole suite
takes minutes of its own).
"""

from __future__ import annotations

import os
import subprocess
import time

from .core import ROOT, Options, Record, record


def timed(command: list[str]) -> float:
    """Seconds a script takes; a failing script stops the benchmark (its output is shown)."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "RUNTIME__DLTHUB_TELEMETRY": "false"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}:\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return seconds


def run(options: Options) -> list[Record]:
    timed(["script/setup"])  # warm: the environment is in place before anything is timed
    demo = [timed(["script/demo"]) for _ in range(options.runs)]
    records = [record("script/demo, warm environment", "s", demo)]
    if not options.quick:
        records.append(record("script/test", "s", [timed(["script/test", "-q"])]))
    return records
