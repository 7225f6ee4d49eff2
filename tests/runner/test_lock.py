"""One run per pipeline at a time, and one writer per DuckDB file.

The lock is held by a real process (`Holder`), as a run in another terminal or an
Airflow task would hold it. The tests synchronise on the holder's "ready" line and on
its exit, never on sleeps; a waiting run is given a clock and a pause of the test's own
(`exclusive(clock=, pause=)`), so "waits, then proceeds" is deterministic.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.core.errors import EXIT_FAILED, EXIT_OK, describe_error
from pipelines.core.paths import PROJECT_ROOT
from pipelines.registry import HUBSPOT_CRM, NOTION_HABITS, PipelineSpec
from pipelines.runner import lock as lock_module
from pipelines.runner import run_pipeline
from pipelines.runner.driver import create_pipeline
from pipelines.runner.lock import POLL_SECONDS, RunLocked, exclusive
from tests.utils import EntryPoint, PipelineEnv

WAIT_SECONDS = 30  # upper bound of every wait on the holder process
SETTING = "RUNNER__LOCK_TIMEOUT_SECONDS"

# Holds what a run holds (`run_lock`), prints "ready", and keeps it until stdin closes.
# lock.py is loaded by path: it needs only the standard library, and skipping the
# package's imports (dlt) keeps the holder quick to start.
HOLDER_SCRIPT = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("lock", sys.argv[1])
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)
duckdb_file = None if sys.argv[3] == "-" else Path(sys.argv[3])
with lock.run_lock(Path(sys.argv[2]), duckdb_file, 0):
    print("ready", flush=True)
    sys.stdin.read()
"""


class Holder:
    """Another process that holds a pipeline's run lock (and its DuckDB file's)."""

    def __init__(self, working_dir: Path, duckdb_file: Path | None) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                HOLDER_SCRIPT,
                lock_module.__file__,
                str(working_dir),
                str(duckdb_file) if duckdb_file else "-",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
        )
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            ready = selector.select(WAIT_SECONDS)
        line = self.process.stdout.readline() if ready else ""
        if line.strip() != "ready":
            self.kill()
            raise AssertionError(f"the holder did not take the lock: {self.process.stderr.read()}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def release(self) -> None:
        """Let go (stdin closes, the holder leaves its `with`) and wait until it exited."""
        self.process.stdin.close()
        assert self.process.wait(timeout=WAIT_SECONDS) == 0, self.process.stderr.read()

    def kill(self) -> None:
        """SIGKILL: no `finally` runs, the holder's description stays in the lock file."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT_SECONDS)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if not stream.closed:
                stream.close()


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        holder.stop()


def working_dir(spec: PipelineSpec) -> Path:
    """dlt's working folder of `spec` in this test's DLT_DATA_DIR."""
    return Path(create_pipeline(spec, "duckdb").working_dir)


def hold(holders: list[Holder], spec: PipelineSpec, env: PipelineEnv) -> Holder:
    """A live process holding what a run of `spec` holds: its folder and the DuckDB file."""
    holder = Holder(working_dir(spec), env.duckdb_path)
    holders.append(holder)
    return holder


def run_lock_file(spec: PipelineSpec) -> Path:
    return working_dir(spec).with_name(f"{spec.name}.lock")


def duckdb_lock_file(env: PipelineEnv) -> Path:
    return env.duckdb_path.with_name(env.duckdb_path.name + ".lock")


def holder_pid(lock_file: Path) -> int | None:
    text = lock_file.read_text()
    return json.loads(text)["pid"] if text else None


def is_free(lock_file: Path) -> bool:
    try:
        with exclusive(lock_file, "probe", 0):
            return True
    except RunLocked:
        return False


def fingerprint(*roots: Path) -> dict[str, str]:
    """Path -> sha256 of every file under `roots` (lock files left out)."""
    found = {}
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.suffix != ".lock":
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_lock_files_sit_outside_the_folder_that_drop_wipes(
    pipeline_env: PipelineEnv, capsys
) -> None:
    """The run lock is `<pipelines_dir>/<name>.lock`, the DuckDB lock `<file>.lock`; both
    are held (by this process) after the run dropped its working folder, and free after."""
    folder = working_dir(NOTION_HABITS)
    assert run_lock_file(NOTION_HABITS) == folder.parent / "notion_habits.lock"
    assert folder.parent == Path(pipeline_env.root / "dlt" / "pipelines")
    marker = folder / "left-by-an-earlier-run"
    marker.write_text("x")
    seen: dict[str, object] = {}

    def build_source():  # called by the driver after `pipeline.drop()`
        seen["marker survived drop"] = marker.exists()
        for lock_file in (run_lock_file(NOTION_HABITS), duckdb_lock_file(pipeline_env)):
            seen[lock_file.name] = (holder_pid(lock_file), is_free(lock_file))
        return NOTION_HABITS.build_source()

    spec = dataclasses.replace(NOTION_HABITS, build_source=build_source)
    assert EntryPoint(spec, capsys)() == EXIT_OK
    assert seen == {
        "marker survived drop": False,  # drop wiped the working folder...
        "notion_habits.lock": (os.getpid(), False),  # ...but not the lock beside it
        "warehouse.duckdb.lock": (os.getpid(), False),
    }
    for lock_file in (run_lock_file(NOTION_HABITS), duckdb_lock_file(pipeline_env)):
        assert lock_file.read_text() == "" and is_free(lock_file)


@pytest.mark.parametrize("entry", ["command line", "airflow"])
def test_second_run_refuses_at_once_naming_the_holder(
    entry: str, pipeline_env: PipelineEnv, holders, monkeypatch, capsys
) -> None:
    assert EntryPoint(NOTION_HABITS, capsys)() == EXIT_OK
    before = fingerprint(pipeline_env.duckdb_path, working_dir(NOTION_HABITS))
    requests = pipeline_env.sandbox.log.count()
    holder = hold(holders, NOTION_HABITS, pipeline_env)
    monkeypatch.setenv(SETTING, "0")

    started = time.monotonic()
    if entry == "command line":
        entry_point = EntryPoint(NOTION_HABITS, capsys)
        assert entry_point() == EXIT_FAILED
        message = entry_point.output.err
    else:  # what `dags/personal/common.load_raw` calls and reports
        with pytest.raises(RunLocked) as refused:
            run_pipeline(NOTION_HABITS, upgrade_contract=False)
        message, code = describe_error(refused.value)
        assert code == EXIT_FAILED
    elapsed = time.monotonic() - started

    assert f"pipeline folder {working_dir(NOTION_HABITS)}" in message
    assert f"pid {holder.pid}" in message and SETTING in message
    assert elapsed < 10, f"a refusal with timeout 0 took {elapsed:.1f} s"
    # nothing changed: no request, the warehouse and dlt's folder as they were
    assert pipeline_env.sandbox.log.count() == requests
    assert fingerprint(pipeline_env.duckdb_path, working_dir(NOTION_HABITS)) == before
    assert holder_pid(run_lock_file(NOTION_HABITS)) == holder.pid  # still the holder's


class FakeTime:
    """A clock that moves only when the lock pauses, by the pause asked for."""

    def __init__(self, on_pause=None) -> None:
        self.now = 0.0
        self.pauses: list[float] = []
        self.on_pause = on_pause

    def clock(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds
        if self.on_pause is not None:
            self.on_pause(len(self.pauses))


def inject_time(monkeypatch: pytest.MonkeyPatch, fake: FakeTime) -> None:
    """Runs take their locks through `exclusive`: give it the fake clock and pause."""
    monkeypatch.setattr(
        lock_module,
        "exclusive",
        functools.partial(lock_module.exclusive, clock=fake.clock, pause=fake.pause),
    )


def test_second_run_waits_and_proceeds_once_the_holder_releases(
    pipeline_env: PipelineEnv, holders, monkeypatch, capsys
) -> None:
    holder = hold(holders, NOTION_HABITS, pipeline_env)
    fake = FakeTime(on_pause=lambda count: holder.release() if count == 1 else None)
    inject_time(monkeypatch, fake)
    monkeypatch.setenv(SETTING, "60")

    assert EntryPoint(NOTION_HABITS, capsys)() == EXIT_OK

    assert fake.pauses == [POLL_SECONDS]  # refused once, took it on the next attempt
    counts = pipeline_env.row_counts("raw_notion")
    assert counts["daily_habits"] > 300 and counts["weekly_habits"] > 40


def test_wait_is_bounded_by_the_timeout(
    pipeline_env: PipelineEnv, holders, monkeypatch, capsys
) -> None:
    holder = hold(holders, NOTION_HABITS, pipeline_env)
    fake = FakeTime()
    inject_time(monkeypatch, fake)
    monkeypatch.setenv(SETTING, "1")

    entry_point = EntryPoint(NOTION_HABITS, capsys)
    assert entry_point() == EXIT_FAILED

    assert fake.pauses == [POLL_SECONDS] * round(1 / POLL_SECONDS)
    assert "waited 1 s" in entry_point.output.err and f"pid {holder.pid}" in entry_point.output.err
    assert pipeline_env.sandbox.log.count() == 0


def test_stale_lock_of_a_killed_run_is_taken_over(
    pipeline_env: PipelineEnv, holders, monkeypatch, capsys
) -> None:
    holder = hold(holders, NOTION_HABITS, pipeline_env)
    holder.kill()
    # the dead run's description is still there: only the kernel's lock went with it
    assert holder_pid(run_lock_file(NOTION_HABITS)) == holder.pid
    assert holder_pid(duckdb_lock_file(pipeline_env)) == holder.pid
    monkeypatch.setenv(SETTING, "0")

    assert EntryPoint(NOTION_HABITS, capsys)() == EXIT_OK

    assert pipeline_env.row_counts("raw_notion")["daily_habits"] > 300
    assert run_lock_file(NOTION_HABITS).read_text() == ""


def test_pipelines_sharing_a_duckdb_file_take_turns(
    pipeline_env: PipelineEnv, holders, monkeypatch, capsys
) -> None:
    holder = hold(holders, NOTION_HABITS, pipeline_env)  # a Notion run writing the file
    monkeypatch.setenv(SETTING, "0")

    entry_point = EntryPoint(HUBSPOT_CRM, capsys)
    assert entry_point() == EXIT_FAILED
    message = entry_point.output.err
    assert f"DuckDB file {pipeline_env.duckdb_path} is in use by pid {holder.pid}" in message
    assert SETTING in message
    assert pipeline_env.sandbox.log.count("hubspot") == 0
    assert is_free(run_lock_file(HUBSPOT_CRM))  # its own folder's lock was let go

    holder.release()
    assert EntryPoint(HUBSPOT_CRM, capsys)() == EXIT_OK
    assert pipeline_env.row_counts("raw_hubspot")["contacts"] > 0
