"""The build-once start path: script/setup links a venv that script/build made elsewhere to this
machine's Python, and never installs into it.

A small stand-in for a deploy build (a relocatable venv with no interpreter links, the marker and
the stamp) is made with the venv module, so the test needs no network and takes a second.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.core.paths import PROJECT_ROOT

VERSION = "{}.{}".format(*sys.version_info[:2])


def stamp(root: Path) -> str:
    data = b"".join((root / f).read_bytes() for f in ("requirements.txt", "pyproject.toml"))
    return hashlib.sha256(data + (root / "script" / "setup").read_bytes()).hexdigest()


@pytest.fixture
def deployed(tmp_path: Path) -> Path:
    """A project folder holding a venv that was 'built elsewhere': no interpreter links left."""
    root = tmp_path / "wwwroot"
    (root / "script").mkdir(parents=True)
    for name in ("requirements.txt", "pyproject.toml", "script/setup"):
        shutil.copy2(PROJECT_ROOT / name, root / name)
    venv = root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    for link in [p for p in venv.rglob("*") if p.is_symlink()]:
        link.unlink()
    (venv / "bin" / "tool").write_text("#!/bin/sh\necho tool\n")  # lost its exec bit in transit
    (venv / ".requirements.sha").write_text(stamp(root) + "\n")
    (venv / ".deploy-build").write_text(f"python={VERSION}\nplatform=x86_64-manylinux_2_28\n")
    return root


def setup(root: Path) -> subprocess.CompletedProcess[str]:
    # No uv and no network in reach: an install attempt fails loudly instead of passing.
    env = {**os.environ, "PYTHON": sys.executable, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(root / "script" / "setup")], cwd=root, env=env, capture_output=True, text=True
    )


def test_setup_links_the_venv_to_this_python_and_installs_nothing(deployed: Path) -> None:
    before = {p for p in (deployed / ".venv").rglob("*") if p.is_file() and not p.is_symlink()}
    done = setup(deployed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Setting up" not in done.stdout  # the install branch never ran
    python = deployed / ".venv" / "bin" / "python"
    ran = subprocess.run(
        [str(python), "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True
    )
    assert ran.stdout.strip() == str(deployed / ".venv")
    assert os.access(deployed / ".venv" / "bin" / "tool", os.X_OK)
    after = {p for p in (deployed / ".venv").rglob("*") if p.is_file() and not p.is_symlink()}
    assert not {p for p in after - before if "site-packages" in p.parts}
    # A second start finds it ready.
    assert setup(deployed).returncode == 0


def test_setup_refuses_a_build_from_other_pins(deployed: Path) -> None:
    (deployed / ".venv" / ".requirements.sha").write_text("0" * 64 + "\n")
    done = setup(deployed)
    assert done.returncode == 1
    assert "built from other pins" in done.stderr


def test_setup_refuses_a_build_for_another_python(deployed: Path) -> None:
    (deployed / ".venv" / ".deploy-build").write_text("python=3.99\n")
    done = setup(deployed)
    assert done.returncode == 1
    assert "built for Python 3.99" in done.stderr


def test_startup_command_starts_the_server_and_installs_nothing() -> None:
    command = (PROJECT_ROOT / "startup.txt").read_text().strip()
    assert command == "script/server --production"
    assert "script/setup" in (PROJECT_ROOT / "script" / "server").read_text()
