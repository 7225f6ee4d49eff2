"""Fault storms: every source loads under a mix of every fault kind, then incrementally
after a day of edits, and ends with exactly what clean runs of the same data load.

One sandbox (clock frozen) serves two warehouses: the storm's, loaded while faults are
injected, and a reference loaded with none. Both see the same source data at each step:
first loads, then the edits, then second (incremental) loads. The comparison is
full-table: every row of every table of the dataset, every column but dlt's bookkeeping
(the contracted ones of `head_contract()` among them), deleted flags included.

Bounded without sleeps: every request times out after TIMEOUT_SECONDS and is tried at
most `max_attempts` times, so a run cannot hang; a slow answer's wait ends when the
sandbox stops.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.contract.head import head_contract
from pipelines.core.retry import DEFAULT_ATTEMPTS
from pipelines.registry import PIPELINES, PipelineSpec
from sandbox import Sandbox
from sandbox.faults import FAULT_KINDS
from sandbox.notion.sample import DAILY, WEEKLY
from sandbox.requestlog import LoggedRequest
from tests.utils import FAST_BACKOFF_SECONDS, EntryPoint, PipelineEnv

# After the sample data's last day (2026-10-31), as in the source tests.
START = datetime(2026, 11, 2, 9, 0, 12, tzinfo=UTC)
# A slow answer comes after SLOW_SECONDS; the clients give up after TIMEOUT_SECONDS,
# a hundred times what a clean answer takes here (a few milliseconds).
TIMEOUT_SECONDS = 0.3
SLOW_SECONDS = 5.0  # far past the timeout: a loaded machine cannot blur the two
# The sandbox APIs each source talks to (Google's token endpoint is one of its own).
APIS = {
    "notion": ("notion",),
    "hubspot": ("hubspot",),
    "google_people": ("google_people", "google_oauth"),
}
# Small pages: more requests, so more faults, in every run. HubSpot's page sizes are its
# endpoints' own, not settings; its client-side search pacing is turned off.
SETTINGS = {
    "notion": {"PAGE_SIZE": "10"},
    "hubspot": {"SEARCH_REQUESTS_PER_SECOND": "0"},
    "google_people": {"PAGE_SIZE": "5"},
}


@dataclass(frozen=True)
class Storm:
    rate: float
    seed: int
    retry_after: int = 0  # seconds in Retry-After on the injected 429s
    attempts: int = DEFAULT_ATTEMPTS
    every_kind: bool = False  # big enough that each kind comes up (checked)

    def __str__(self) -> str:
        return f"{self.rate:.0%}-retry-after-{self.retry_after}s"


# The 15 % storm sends Retry-After: 1 (Notion and HubSpot put it on the wire, Google's
# 429s carry none): each such 429 costs a second, and a 15 % storm has a handful. The
# 40 % storm has more 429s, so they say 0 and the clients' (tiny) back-off applies.
# The 40 % storm injects 40 to 60 faults per source, so every kind comes up. Both run
# with the default attempts per request (8): with these seeds no request failed eight
# times in a row (at 40 %, each request has a 0.4 ** 8 = 0.07 % chance to).
STORMS = [Storm(0.15, seed=13, retry_after=1), Storm(0.40, seed=2, every_kind=True)]


class Warehouses:
    """The storm's warehouse and the reference one, each with its own dlt working dir,
    and the runs of one pipeline into them."""

    def __init__(
        self,
        spec: PipelineSpec,
        sandbox: Sandbox,
        root: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        attempts: int,
    ) -> None:
        self.spec = spec
        self.sandbox = sandbox
        self.monkeypatch = monkeypatch
        self.entry = EntryPoint(spec, capsys)
        self.storm = PipelineEnv(root / "storm", sandbox)
        self.reference = PipelineEnv(root / "reference", sandbox)
        settings = {
            "RETRY_BACKOFF_SECONDS": FAST_BACKOFF_SECONDS,
            "REQUEST_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
            "MAX_ATTEMPTS": str(attempts),
            **SETTINGS[spec.source],
        }
        for key, value in settings.items():
            monkeypatch.setenv(f"SOURCES__{spec.source.upper()}__{key}", value)
        self.faults: list[Counter[str]] = []  # per storm run
        # when each request arrived, by the real clock (the sandbox's own is frozen)
        self.arrivals: list[tuple[float, LoggedRequest]] = []
        add = sandbox.log.add

        def add_with_arrival(entry: LoggedRequest) -> None:
            self.arrivals.append((time.monotonic(), entry))
            add(entry)

        monkeypatch.setattr(sandbox.log, "add", add_with_arrival)

    def load_reference(self) -> None:
        self._run(self.reference)

    def load_storm(self, storm: Storm, seed: int) -> None:
        """One run of the pipeline into the storm's warehouse while faults are injected;
        checks it injected faults and how the client retried them."""
        self.sandbox.inject_faults(
            storm.rate,
            kinds=FAULT_KINDS,
            apis=set(APIS[self.spec.source]),
            retry_after=storm.retry_after,
            seed=seed,
            slow_seconds=SLOW_SECONDS,
        )
        first = len(self.arrivals)
        try:
            self._run(self.storm)
        finally:
            self.sandbox.inject_faults(0.0)
        arrivals = self.arrivals[first:]
        faults = Counter(e.fault for _, e in arrivals if e.fault)
        self.faults.append(faults)
        assert faults, f"no faults injected in {len(arrivals)} requests"
        self._check_retries(arrivals, storm.retry_after)

    def _check_retries(self, arrivals: list[tuple[float, LoggedRequest]], retry_after: int) -> None:
        """Every faulted request was sent again (the next one for the same path and query):
        after a slow answer sooner than it came (the client timed out), after a 429 that
        carried Retry-After no sooner than it asked."""
        senders = {
            api
            for api in APIS[self.spec.source]
            if "Retry-After" in self.sandbox.apis[api].rate_limited(retry_after).headers
        }
        for n, (at, entry) in enumerate(arrivals):
            if not entry.fault:
                continue
            key = (entry.api, entry.method, entry.path, entry.query)
            what = f"{entry.method} {entry.path} ({entry.fault})"
            again = next(
                (t for t, e in arrivals[n + 1 :] if (e.api, e.method, e.path, e.query) == key),
                None,
            )
            assert again is not None, f"{what} was not tried again"
            if entry.fault == "slow":
                assert again - at < SLOW_SECONDS, f"{what}: the client waited for the answer"
            if entry.fault == "429" and entry.api in senders:
                assert again - at >= retry_after * 0.95, (
                    f"{what} tried again {again - at:.2f} s later; Retry-After said {retry_after}"
                )

    def _run(self, env: PipelineEnv) -> None:
        for key, value in env.variables().items():
            self.monkeypatch.setenv(key, value)
        assert self.entry() == 0, self.entry.output.err


def edit_the_source(spec: PipelineSpec, sandbox: Sandbox) -> None:
    """A day of edits a few minutes later: the API's own demo changes (edits, additions,
    deletions, a merge, a rename), and enough further edits that the incremental run reads
    several pages."""
    sandbox.clock.advance(minutes=5)
    changes = [line for api in APIS[spec.source] for line in sandbox.apis[api].demo_changes()]
    assert changes
    if spec.source == "notion":
        store = sandbox.apis["notion"].store
        daily = store.pages_of(DAILY)
        for n, page in enumerate(daily[100:130]):
            store.edit_page(page.id, {"Steps": 5000 + n})
        store.trash_page(daily[140].id)
        store.edit_page(store.pages_of(WEEKLY)[3].id, {"Long run": False})
    elif spec.source == "hubspot":
        crm = sandbox.apis["hubspot"].store
        for n, contact in enumerate(crm.ids("contacts")[40:70]):
            crm.edit("contacts", contact, jobtitle=f"Storm chaser {n}")
        crm.archive("contacts", crm.ids("contacts")[75])
    else:
        store = sandbox.apis["google_people"].store
        names = store.resource_names()
        for n, name in enumerate(names[20:80]):
            store.edit_person(name, job_title=f"Storm chaser {n}")
        store.delete_person(names[90])


def warehouse_tables(env: PipelineEnv, dataset: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every data table of a dataset: its columns but dlt's bookkeeping, and all its rows
    (sorted on all columns: row order is not part of the result)."""
    tables = {}
    for table in env.row_counts(dataset):
        columns = [c for c in env.columns(dataset, table) if not c.startswith("_dlt_")]
        listed = ", ".join(f'"{c}"' for c in columns)
        rows = env.query(f'select {listed} from "{dataset}"."{table}" order by all')
        tables[table] = (columns, rows)
    return tables


def differences(table: str, loaded: tuple[list[str], list[tuple]], expected: list[tuple]) -> str:
    """What the storm's table has that the reference's lacks, and the other way round."""
    columns, rows = loaded
    extra, missing = Counter(rows) - Counter(expected), Counter(expected) - Counter(rows)
    return (
        f"{table} ({', '.join(columns)}) differs after the storm: "
        f"{sum(extra.values())} rows only in the storm's, e.g. {list(extra)[:3]}; "
        f"{sum(missing.values())} only in the reference, e.g. {list(missing)[:3]}"
    )


def source_seed(storm: Storm, spec: PipelineSpec, run: int) -> int:
    """A seed per storm, source and run, so no two runs see the same fault sequence."""
    return storm.seed * 100 + PIPELINES.index(spec) * 10 + run


@pytest.mark.parametrize("spec", PIPELINES, ids=lambda spec: spec.name)
@pytest.mark.parametrize("storm", STORMS, ids=str)
def test_storm_and_incremental_run_load_what_clean_runs_load(
    spec: PipelineSpec,
    storm: Storm,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox.clock.freeze(START)
    warehouses = Warehouses(spec, sandbox, tmp_path, monkeypatch, capsys, storm.attempts)
    warehouses.load_reference()
    warehouses.load_storm(storm, source_seed(storm, spec, 1))
    edit_the_source(spec, sandbox)
    warehouses.load_storm(storm, source_seed(storm, spec, 2))
    warehouses.load_reference()

    expected = warehouse_tables(warehouses.reference, spec.dataset)
    loaded = warehouse_tables(warehouses.storm, spec.dataset)
    assert loaded.keys() == expected.keys()
    for table, (columns, rows) in expected.items():
        assert loaded[table][0] == columns, table
        assert loaded[table][1] == rows, differences(f"{spec.dataset}.{table}", loaded[table], rows)

    # what the comparison covered: every contracted table and column, and deletions
    for contracted in head_contract().tables_in(spec.dataset):
        columns, rows = expected[contracted.name]
        assert rows, contracted.qualified_name
        wanted = [c.name for c in contracted.columns if not c.is_dlt_bookkeeping]
        assert set(wanted) <= set(columns), contracted.qualified_name
    deleted = [
        table
        for table, (columns, rows) in expected.items()
        if "is_deleted" in columns and any(row[columns.index("is_deleted")] for row in rows)
    ]
    assert deleted, "the edits deleted nothing: the deleted flags went untested"

    if storm.every_kind:
        kinds = {"5xx" if f.startswith("5") else f for run in warehouses.faults for f in run}
        assert kinds == set(FAULT_KINDS), f"not every fault kind came up: {warehouses.faults}"
