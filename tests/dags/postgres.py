"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl on a free loopback port.

PostgreSQL refuses to run as root; as root the cluster belongs to `nobody` and lives in a
directory that user can reach. The server binaries come from Debian's `postgresql`
package (script/postgres installs them).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_binaries() -> Path:
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    raise RuntimeError("PostgreSQL server binaries not found: run script/postgres")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def throwaway_postgres(user: str = "airflow") -> Iterator[str]:
    """Start a server, yield its SQLAlchemy URL (database `postgres`), stop and delete it."""
    binaries = server_binaries()
    as_root = os.geteuid() == 0
    owner = "nobody"
    root = Path(tempfile.mkdtemp(prefix="pg-"))
    data, port = root / "data", free_port()

    def pg(*command: str) -> None:
        argv = [str(binaries / command[0]), *command[1:]]
        if as_root:
            argv = ["runuser", "-u", owner, "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr

    try:
        if as_root:
            shutil.chown(root, user=owner)
        pg("initdb", "-D", str(data), "-U", user, "--auth=trust", "--no-locale", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off"
        pg("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-o", options, "-w", "start")
        try:
            yield f"postgresql+psycopg2://{user}@127.0.0.1:{port}/postgres"
        finally:
            pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
