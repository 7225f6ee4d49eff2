"""One run per pipeline at a time, and one writer per DuckDB file.

Two runs of one pipeline (two terminals, or a command line run beside Airflow) would share
dlt's working folder: one run's rollback would delete the other's packages, and their
cursors would race. DuckDB also allows a single writing process per file, which all three
pipelines share. A run therefore holds an exclusive `flock` on a lock file beside each.

`flock` belongs to the open file, so the kernel releases it when the holder dies, however
it dies (SIGKILL included): a lock left by a dead process is free to take, and the
holder's description inside the file is only there to name a live holder in the error.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.2


class RunLocked(Exception):
    """Another live run holds the lock; the message names it and what to do."""


def describe_holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        holder = {}
    if not holder:
        return "another process"
    return (
        f"pid {holder.get('pid')} on {holder.get('host')} "
        f"({holder.get('command')}, since {holder.get('since')})"
    )


@contextmanager
def exclusive(
    path: Path,
    what: str,
    timeout_seconds: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    pause: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold an exclusive lock on `path`, waiting up to `timeout_seconds` for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = clock() + max(0.0, timeout_seconds)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if clock() >= deadline:
                    raise RunLocked(
                        f"{what} is in use by {describe_holder(path)}; waited "
                        f"{timeout_seconds:g} s. Let that run finish, or raise "
                        "lock_timeout_seconds under [runner] (RUNNER__LOCK_TIMEOUT_SECONDS)."
                    ) from None
                pause(POLL_SECONDS)
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(handle, 0)
        os.pwrite(handle, json.dumps(holder).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


@contextmanager
def run_lock(working_dir: Path, duckdb_file: Path | None, timeout_seconds: float) -> Iterator[None]:
    """The pipeline's working folder, then the DuckDB file it writes (always in this order)."""
    with ExitStack() as held:
        held.enter_context(
            exclusive(
                working_dir.with_name(working_dir.name + ".lock"),
                f"pipeline folder {working_dir}",
                timeout_seconds,
            )
        )
        if duckdb_file is not None:
            held.enter_context(
                exclusive(
                    duckdb_file.with_name(duckdb_file.name + ".lock"),
                    f"DuckDB file {duckdb_file}",
                    timeout_seconds,
                )
            )
        yield
