"""The GitHub workflows, checked offline: actionlint and zizmor find nothing, and the workflows do
what docs/deploy.md says (CI on pushes and pull requests; build once, deploy with the publish
profile from a secret; least privilege; actions pinned by commit).

Each tool is also run on a workflow with known mistakes, so a tool that silently checks nothing
fails here too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipelines.core.paths import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
ZIZMOR = Path(sys.executable).parent / "zizmor"
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")

# Script injection, an unknown input, a missing job, and default (write-all) token permissions.
BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
jobs:
  greet:
    runs-on: ubuntu-24.04
    needs: [missing]
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
          nope: 1
      - run: echo "${{ github.event.pull_request.title }}"
"""


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow: dict) -> dict:
    # PyYAML reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    return {key: None for key in on} if isinstance(on, list) else dict(on)


def offline_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"GH_TOKEN", "GITHUB_TOKEN"}}


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PROJECT_ROOT / "script" / "actionlint"), *map(str, files)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=offline_env(),
    )


def zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZIZMOR), "--offline", "--no-progress", "--format", "plain", str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=offline_env(),
    )


@pytest.fixture
def bad_workflow(tmp_path: Path) -> Path:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    path = folder / "bad.yml"
    path.write_text(BAD_WORKFLOW)
    return path


def test_there_are_workflows_to_check() -> None:
    assert {p.name for p in workflow_files()} >= {"ci.yml", "deploy.yml"}


def test_actionlint_finds_nothing() -> None:
    result = actionlint(*workflow_files())
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(workflow_files())} file(s), 0 finding(s)" in result.stderr


def test_actionlint_reports_a_broken_workflow(bad_workflow: Path) -> None:
    result = actionlint(bad_workflow)
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"github.event.pull_request.title" is potentially untrusted' in result.stdout
    assert 'needs job "missing"' in result.stdout
    assert 'input "nope" is not defined' in result.stdout


def test_zizmor_finds_nothing() -> None:
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_zizmor_reports_a_broken_workflow(bad_workflow: Path) -> None:
    result = zizmor(bad_workflow)
    assert result.returncode != 0
    for audit in ("template-injection", "dangerous-triggers", "unpinned-uses", "artipacked"):
        assert audit in result.stdout, result.stdout


def test_ci_runs_script_test_on_pushes_and_pull_requests() -> None:
    ci = load("ci.yml")
    assert {"push", "pull_request"} <= set(triggers(ci))
    (job,) = ci["jobs"].values()
    assert any(step.get("run") == ".ci/run" for step in job["steps"])
    assert "3.12" in job["strategy"]["matrix"]["python"]


def test_every_job_has_least_privilege_permissions() -> None:
    for path in workflow_files():
        workflow = yaml.safe_load(path.read_text())
        assert workflow.get("permissions") == {}, f"{path.name}: set `permissions: {{}}` at the top"
        for name, job in workflow["jobs"].items():
            granted = job.get("permissions")
            assert granted is not None, f"{path.name}: job {name} states no permissions"
            assert all(level in ("read", "none") for level in granted.values()), (path.name, name)


def test_every_action_is_pinned_to_a_commit() -> None:
    for path in workflow_files():
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    assert SHA_PIN.match(step["uses"]), f"{path.name}: {step['uses']}"


def test_deploy_builds_once_and_deploys_with_the_publish_profile_secret() -> None:
    deploy = load("deploy.yml")
    assert set(triggers(deploy)) == {"push", "workflow_dispatch"}
    assert triggers(deploy)["push"] == {"branches": ["main"]}
    jobs = deploy["jobs"]
    assert jobs["build"]["needs"] == "test" and jobs["deploy"]["needs"] == "build"
    build_steps = jobs["build"]["steps"]
    python = next(s for s in build_steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.12"
    assert any(s.get("run", "").startswith("script/build ") for s in build_steps)
    (webapp,) = [s for s in jobs["deploy"]["steps"] if "webapps-deploy@" in s.get("uses", "")]
    assert webapp["with"]["publish-profile"] == "${{ secrets.AZURE_WEBAPP_PUBLISH_PROFILE }}"
    assert webapp["with"]["package"] == "release.zip"
    # The deploy job ships what the build job made; it checks out nothing and builds nothing.
    assert not any("run" in s or "checkout@" in s.get("uses", "") for s in jobs["deploy"]["steps"])
