"""A throwaway warehouse and dlt working folder, pointed at a sandbox, for one benchmark."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.registry import PipelineSpec
from pipelines.runner.driver import run_pipeline

QUIET = {
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "DO_NOT_TRACK": "1",
    "PROVIDERS__ENABLE_AIRFLOW_SECRETS": "false",
    "RUNTIME__LOG_LEVEL": "WARNING",
}


@contextmanager
def pipeline_environment(settings: dict[str, str]) -> Iterator[Path]:
    """Environment variables for a run into a fresh DuckDB file; restored afterwards."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        root = Path(workdir)
        os.environ.update(
            {
                "DLT_DATA_DIR": str(root / "dlt"),
                "DESTINATION__DUCKDB__CREDENTIALS": str(root / "bench.duckdb"),
                "DESTINATION_TYPE": "duckdb",
                **QUIET,
                **settings,
            }
        )
        try:
            yield root
        finally:
            os.environ.clear()
            os.environ.update(saved)


@dataclass(frozen=True)
class Timing:
    seconds: float  # the whole run: lock, state, extract, normalize, contract check, load
    extract_seconds: float  # from the start of the run to the end of extraction
    rows: int  # rows written


def timed_run(spec: PipelineSpec) -> Timing:
    """One run of a pipeline, as its entry point makes it; raises when it fails."""
    started = time.time()
    result = run_pipeline(spec)
    finished = time.time()
    steps = {step.step: step for step in result.pipeline.last_trace.steps}
    extracted = steps["extract"].finished_at.timestamp() if "extract" in steps else finished
    normalize = steps.get("normalize")
    rows = 0
    if normalize is not None and normalize.step_info is not None:
        rows = sum(
            count
            for table, count in normalize.step_info.row_counts.items()
            if not table.startswith("_dlt")
        )
    return Timing(finished - started, extracted - started, rows)
