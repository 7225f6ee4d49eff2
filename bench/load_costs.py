"""Measure what each pipeline costs against the sandbox: requests, time and memory.

    .venv/bin/python bench/load_costs.py [--pipelines notion_habits,hubspot_crm] [--fault-rate 0.15]

For every entry point that exists it runs a full load and then a run with no changes at
the source, each into a fresh temporary DuckDB file, and prints the requests the sandbox
answered (from its request log), wall time and the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from pipelines.registry import PIPELINES, by_name
from pipelines.runner import main as run_entry_point
from sandbox import Sandbox


def measure(sandbox: Sandbox, name: str) -> dict[str, float]:
    spec = by_name(name)
    sandbox.log.clear()
    started = time.perf_counter()
    code = run_entry_point(spec, ["--progress", "none"])
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"{name} failed with exit code {code}")
    api = spec.source  # the sandbox serves each source's API under the source's name
    return {
        "requests": sandbox.log.count(api)
        + (sandbox.log.count("google_oauth") if api == "google_people" else 0),
        "faults": sum(1 for e in sandbox.log.entries() if e.fault),
        "seconds": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pipelines", default=",".join(spec.name for spec in PIPELINES))
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir, Sandbox(port=0) as sandbox:
        os.environ.update(
            {
                "DLT_DATA_DIR": str(Path(workdir) / "dlt"),
                "DESTINATION__DUCKDB__CREDENTIALS": str(Path(workdir) / "bench.duckdb"),
                **sandbox.client_settings(),
            }
        )
        if args.fault_rate:
            sandbox.inject_faults(args.fault_rate, seed=1)
        print(f"{'pipeline':<16} {'run':<10} {'requests':>8} {'faults':>6} {'seconds':>8}")
        for name in [n for n in args.pipelines.split(",") if n]:
            for run in ("full", "no change"):
                figures = measure(sandbox, name)
                print(
                    f"{name:<16} {run:<10} {figures['requests']:>8.0f} {figures['faults']:>6.0f} "
                    f"{figures['seconds']:>8.2f}",
                    flush=True,
                )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
