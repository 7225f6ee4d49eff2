"""Crash trials: each pipeline as a process of its own, killed with SIGKILL at seeded
random points of restart, extract, normalize, load and rollback, with edits at the source
between the trials. Afterwards one clean run must give exactly what a twin that was never
killed holds: every contracted column of every row, deleted flags included, unique keys,
and a state dlt can read.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dlt
import pytest

from pipelines.contract.head import head_contract
from pipelines.core.paths import PROJECT_ROOT
from pipelines.registry import PIPELINES, PipelineSpec
from sandbox import Sandbox
from sandbox.notion.sample import DAILY
from tests.reliability.crashpoint import PHASES
from tests.utils import EntryPoint, PipelineEnv, fast_retries

TRIALS = 20
SEED = 11


def edit_notion(sandbox: Sandbox, rng: random.Random) -> None:
    store = sandbox.apis["notion"].store
    pages = store.pages_of(DAILY)
    for page in rng.sample(pages, 3):
        store.edit_page(
            page.id, {"Steps": rng.randint(1_000, 20_000), "Workout": rng.random() < 0.5}
        )
    if rng.random() < 0.4:
        store.trash_page(rng.choice(pages).id)


def edit_hubspot(sandbox: Sandbox, rng: random.Random) -> None:
    crm = sandbox.apis["hubspot"].store
    contacts = crm.ids("contacts")
    for contact in rng.sample(contacts, 3):
        crm.edit("contacts", contact, jobtitle=f"Role {rng.randint(1, 999)}")
    if rng.random() < 0.4:
        crm.archive("contacts", rng.choice(contacts))
    if rng.random() < 0.4:
        crm.create(
            "calls",
            {"hs_timestamp": crm.clock.now().isoformat(timespec="milliseconds")},
            associations=[("contacts", rng.choice(contacts))],
        )


def edit_google(sandbox: Sandbox, rng: random.Random) -> None:
    store = sandbox.apis["google_people"].store
    people = store.resource_names()
    for person in rng.sample(people, 3):
        store.edit_person(person, job_title=f"Role {rng.randint(1, 999)}")
    if rng.random() < 0.4:
        store.delete_person(rng.choice(people))
    if rng.random() < 0.4:
        number = rng.randint(1, 10_000)
        store.add_person("Trial", f"Person {number}", emails=[f"trial{number}@mail.example"])


EDITS = {"notion": edit_notion, "hubspot": edit_hubspot, "google_people": edit_google}


class CrashingRuns:
    """The pipeline run as a subprocess on its own dlt folder and DuckDB file."""

    def __init__(self, spec: PipelineSpec, env: PipelineEnv, root: Path) -> None:
        self.spec = spec
        self.root = root
        root.mkdir()
        self.env = {
            **os.environ,
            **env.variables(),
            "DLT_DATA_DIR": str(root / "dlt"),
            "DESTINATION__DUCKDB__CREDENTIALS": str(root / "warehouse.duckdb"),
        }
        self.twin = PipelineEnv(root=root, sandbox=env.sandbox)  # reads this warehouse

    def run(self, *options: str) -> tuple[int, dict]:
        report = self.root / "report.json"
        report.unlink(missing_ok=True)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.reliability.crashpoint",
                self.spec.name,
                str(report),
                *options,
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.stderr = done.stderr[-3000:]
        outcome = json.loads(report.read_text()) if report.exists() else {}
        if done.returncode not in (0, 1, -signal.SIGKILL) or not outcome:
            pytest.fail(
                f"{self.spec.name} {options}: exit {done.returncode}\n{done.stderr[-3000:]}"
            )
        return done.returncode, outcome

    def state_is_readable(self) -> bool:
        pipeline = dlt.attach(self.spec.name, pipelines_dir=str(self.root / "dlt" / "pipelines"))
        return bool(pipeline.state.get("sources"))


def table_contents(env: PipelineEnv, dataset: str) -> dict[str, list[tuple]]:
    """Every contracted column of every row, per contracted table, in a stable order."""
    contents = {}
    for table in head_contract().tables_in(dataset):
        columns = ", ".join(f'"{c.name}"' for c in table.columns if not c.is_dlt_bookkeeping)
        contents[table.name] = env.query(
            f'select {columns} from "{dataset}"."{table.name}" order by all'
        )
    return contents


def duplicate_keys(env: PipelineEnv, dataset: str) -> dict[str, int]:
    found = {}
    for table in head_contract().tables_in(dataset):
        keys = ", ".join(f'"{c.name}"' for c in table.columns if c.primary_key)
        if keys:
            [(rows, distinct)] = env.query(
                f'select count(*), count(distinct ({keys})) from "{dataset}"."{table.name}"'
            )
            found[table.name] = rows - distinct
    return found


@pytest.mark.parametrize("spec", PIPELINES, ids=[s.name for s in PIPELINES])
def test_killed_runs_lose_nothing_and_duplicate_nothing(
    spec: PipelineSpec, pipeline_env: PipelineEnv, sandbox: Sandbox, tmp_path: Path, monkeypatch
) -> None:
    fast_retries(monkeypatch, spec.source)
    sandbox.clock.freeze()
    rng = random.Random(f"{SEED}-{spec.name}")
    twin = EntryPoint(spec)  # the same source data, never killed, in pipeline_env's warehouse
    crashing = CrashingRuns(spec, pipeline_env, tmp_path / "crashing")

    # first loads, then one incremental run of each kind to learn how many operations a
    # phase takes (the kill points are drawn from those counts)
    assert twin() == 0 and crashing.run()[0] == 0
    EDITS[spec.source](sandbox, rng)
    sandbox.clock.advance(minutes=2)
    _, counted = crashing.run()
    _, failed = crashing.run("--fail-load")
    assert failed["exit"] == 1
    assert twin() == 0
    operations = {**counted["counts"], "rollback": failed["counts"]["rollback"]}
    assert all(operations[phase] > 0 for phase in PHASES), operations

    killed: Counter[str] = Counter()
    for trial in range(TRIALS):
        EDITS[spec.source](sandbox, rng)
        sandbox.clock.advance(minutes=2)
        phase = PHASES[trial % len(PHASES)]
        options = ["--kill", f"{phase}:{rng.randint(1, operations[phase])}"]
        if phase == "rollback":
            options.append("--fail-load")
        code, outcome = crashing.run(*options)
        if code == -signal.SIGKILL:
            killed[outcome["killed"]["phase"]] += 1
        assert twin() == 0

    assert crashing.run()[0] == 0, crashing.stderr  # the clean run after the last kill
    assert set(killed) == set(PHASES), killed  # every phase was killed at least once
    assert sum(killed.values()) >= TRIALS * 3 // 4, killed
    assert table_contents(crashing.twin, spec.dataset) == table_contents(pipeline_env, spec.dataset)
    assert all(n == 0 for n in duplicate_keys(crashing.twin, spec.dataset).values())
    assert crashing.state_is_readable()
