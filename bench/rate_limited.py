"""Full loads of large workspaces under each API's documented rate limit.

The sandbox enforces the limits (`--rate-limits`): Notion an average of three requests a
second (bursts of six in two seconds), HubSpot 100 requests per ten seconds (the Free and
Starter burst limit for private apps; search five a second, apart), Google People 60
contact reads a minute (90 group reads). The bound of a load is the time its minimum
number of requests needs at that average rate (requests / allowed rate); extraction
(start of the run to the end of dlt's extract step) should stay within 1.1x of it, the
whole run (normalize, contract check and load included) within 1.5x, and no run may fail.
"""

from __future__ import annotations

import math
import tempfile
import traceback
from pathlib import Path

from pipelines.registry import by_name

from .core import Options, Record, record
from .environment import pipeline_environment, timed_run
from .serve import served
from .workloads import HUBSPOT_LINKS, Workload, minimum_requests

FULL = Workload(notion_pages=10_000, hubspot_contacts=100_000, google_contacts=25_000)
QUICK = Workload(notion_pages=2_000, hubspot_contacts=10_000, google_contacts=2_500)
PIPELINES = {
    "notion": "notion_habits",
    "hubspot": "hubspot_crm",
    "google_people": "google_contacts",
}
LABELS = {"notion": "Notion", "hubspot": "HubSpot", "google_people": "Google"}
EXTRACT_TARGET = 1.1
RUN_TARGET = 1.5


def bound_seconds(source: str, size: dict[str, int]) -> float:
    """The minimum requests of a full load over the documented average rate."""
    if source == "notion":
        return minimum_requests("notion", "full", size, {}) / 3.0
    if source == "hubspot":  # a first load makes no search requests
        return minimum_requests("hubspot", "full", size, {}) / 10.0
    people_pages = math.ceil(size["contacts"] / 1000)
    group_pages = math.ceil(size["contact_groups"] / 1000)
    return max(people_pages / 1.0, group_pages / 1.5)  # token requests are not limited


def describe(source: str, size: dict[str, int]) -> str:
    if source == "notion":
        return f"{sum(size.values()):,} pages"
    if source == "hubspot":
        links = sum(len(t) for t in HUBSPOT_LINKS.values())
        return f"{sum(size.values()):,} records, {len(size)} types, {links} link directions"
    return f"{size['contacts']:,} contacts"


def run(options: Options) -> list[Record]:
    workload = QUICK if options.quick else FULL
    runs = 1 if options.quick else options.runs
    extract: dict[str, list[float]] = {s: [] for s in PIPELINES}
    whole: dict[str, list[float]] = {s: [] for s in PIPELINES}
    failed: dict[str, int] = dict.fromkeys(PIPELINES, 0)
    with (
        tempfile.TemporaryDirectory(prefix="bench-sandbox-") as folder,
        served(workload, rate_limits=True, settings_dir=Path(folder)) as sandbox,
    ):
        for _ in range(runs):
            for source, name in PIPELINES.items():
                bound = bound_seconds(source, sandbox.sizes[source])
                with pipeline_environment(sandbox.env):
                    try:
                        timing = timed_run(by_name(name))
                    except Exception:  # a failed run is a figure too
                        traceback.print_exc()
                        failed[source] += 1
                        continue
                extract[source].append(timing.extract_seconds / bound)
                whole[source].append(timing.seconds / bound)
        sizes = sandbox.sizes
    records = []
    for source in PIPELINES:
        what = f"{LABELS[source]} ({describe(source, sizes[source])}, bound "
        what += f"{bound_seconds(source, sizes[source]):.0f} s)"
        if extract[source]:
            records.append(
                record(
                    f"rate-limited extraction / bound: {what}", "x", extract[source], EXTRACT_TARGET
                )
            )
            records.append(
                record(
                    f"rate-limited run end to end / bound: {what}", "x", whole[source], RUN_TARGET
                )
            )
        records.append(
            record(f"rate-limited failed runs: {LABELS[source]}", "runs", [failed[source]], 0)
        )
    return records
