"""Run a registered pipeline as its entry script does, and SIGKILL it at a chosen point.

    python -m tests.reliability.crashpoint NAME REPORT [--kill PHASE:K] [--fail-load]

A point is the K-th file-system or warehouse operation (rename, replace, unlink, DuckDB
statement) inside PHASE: restart (state from the warehouse), extract, normalize, load or
rollback (a failed run returning to the durable state). `--fail-load` makes the load step
raise, so a run reaches its rollback. REPORT receives, as JSON, the operations counted per
phase and where the process was killed; a killed process writes it just before the signal.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

PHASES = ("restart", "extract", "normalize", "load", "rollback")


class Crashpoint:
    def __init__(self, report: Path, kill: tuple[str, int] | None) -> None:
        self.report = report
        self.kill = kill
        self.phase = "setup"
        self.counts: Counter[str] = Counter()

    def write(self, **extra: Any) -> None:
        self.report.write_text(json.dumps({"counts": self.counts, **extra}))

    def operation(self, what: str) -> None:
        self.counts[self.phase] += 1
        if self.kill == (self.phase, self.counts[self.phase]):
            self.write(killed={"phase": self.phase, "operation": what})
            os.kill(os.getpid(), signal.SIGKILL)

    def counting(self, what: str, function):
        @functools.wraps(function)
        def counted(*args, **kwargs):
            self.operation(what)
            return function(*args, **kwargs)

        return counted

    def in_phase(self, phase: str, function):
        @functools.wraps(function)
        def phased(*args, **kwargs):
            outer, self.phase = self.phase, phase
            try:
                return function(*args, **kwargs)
            finally:
                self.phase = outer

        return phased


def failing_load(*args, **kwargs):
    raise RuntimeError("injected load failure")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("report", type=Path)
    parser.add_argument("--kill", default=None)
    parser.add_argument("--fail-load", action="store_true")
    args = parser.parse_args()
    kill = None
    if args.kill:
        phase, _, k = args.kill.partition(":")
        kill = (phase, int(k))

    from dlt.destinations.impl.duckdb.sql_client import DuckDbSqlClient
    from dlt.pipeline.pipeline import Pipeline

    from pipelines.registry import by_name
    from pipelines.runner import driver
    from pipelines.runner import main as run_entry_point

    point = Crashpoint(args.report, kill)
    for name in ("replace", "rename", "unlink", "remove", "rmdir"):
        setattr(os, name, point.counting(name, getattr(os, name)))
    DuckDbSqlClient.execute_query = point.counting("sql", DuckDbSqlClient.execute_query)
    Pipeline.extract = point.in_phase("extract", Pipeline.extract)
    Pipeline.normalize = point.in_phase("normalize", Pipeline.normalize)
    load = failing_load if args.fail_load else Pipeline.load
    Pipeline.load = point.in_phase("load", load)
    driver.restart_from_warehouse = point.in_phase("restart", driver.restart_from_warehouse)
    driver.return_to_durable_state = point.in_phase("rollback", driver.return_to_durable_state)

    code = run_entry_point(by_name(args.name), ["--progress", "none"])
    point.write(exit=code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
