"""Requests against the minimum, per source: a full load, a run after 1 % of the records
were edited, and a run with no change at the source (target: 1.05x the minimum).

Each run starts from a fresh sandbox and warehouse. `--quick` uses the sandbox's sample
data; the full run adds records (see WORKLOAD).
"""

from __future__ import annotations

from pipelines.registry import by_name
from sandbox import Sandbox

from .core import Options, Record, record
from .environment import pipeline_environment, timed_run
from .workloads import Workload, anchor, edit_one_percent, minimum_requests, populate, sizes

TARGET = 1.05
PIPELINES = {
    "notion": "notion_habits",
    "hubspot": "hubspot_crm",
    "google_people": "google_contacts",
}
LABELS = {"notion": "Notion", "hubspot": "HubSpot", "google_people": "Google"}
RUNS = ("full", "edited", "no change")
WORKLOAD = Workload(notion_pages=1_000, hubspot_contacts=1_000, google_contacts=2_500)


def requests(sandbox: Sandbox, source: str) -> int:
    extra = sandbox.log.count("google_oauth") if source == "google_people" else 0
    return sandbox.log.count(source) + extra


def one_cycle(workload: Workload) -> dict[tuple[str, str], tuple[int, int]]:
    """(source, run) -> (requests, minimum) for one full / edited / no-change cycle."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    with Sandbox(port=0, anchor=anchor()) as sandbox:
        populate(sandbox, workload)
        with pipeline_environment(sandbox.client_settings()):
            for source, name in PIPELINES.items():
                spec = by_name(name)
                size = sizes(sandbox)[source]
                sandbox.log.clear()
                timed_run(spec)
                found[(source, "full")] = (
                    requests(sandbox, source),
                    minimum_requests(source, "full", size, {}),
                )
            edited = edit_one_percent(sandbox)
            for source, name in PIPELINES.items():
                spec = by_name(name)
                size = sizes(sandbox)[source]
                for run in ("edited", "no change"):
                    sandbox.log.clear()
                    timed_run(spec)
                    found[(source, run)] = (
                        requests(sandbox, source),
                        minimum_requests(source, run, size, edited[source]),
                    )
    return found


def run(options: Options) -> list[Record]:
    workload = Workload() if options.quick else WORKLOAD
    cycles = [one_cycle(workload) for _ in range(options.runs)]
    records = []
    for source in PIPELINES:
        for run_kind in RUNS:
            ratios = [c[(source, run_kind)][0] / c[(source, run_kind)][1] for c in cycles]
            made, minimum = cycles[-1][(source, run_kind)]
            label = "1 % edited" if run_kind == "edited" else run_kind
            records.append(
                record(
                    f"requests / minimum: {LABELS[source]} {label} ({made} for {minimum})",
                    "x",
                    ratios,
                    TARGET,
                )
            )
    return records
