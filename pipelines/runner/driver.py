"""The one way a pipeline runs, from the command line and from Airflow alike.

lock -> contract upgrade -> state from the warehouse -> extract -> normalize -> contract
check -> load. A contract violation stops the run before anything reaches the warehouse;
any failure discards the run's packages; state is taken from the warehouse's last complete
load at the start of every run (see `state`), so nothing a failed run read is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.pipeline.pipeline import Pipeline

from pipelines import contract
from pipelines.core import destination as destinations
from pipelines.registry import PipelineSpec

from .lock import run_lock
from .scrub import save_scrubbed_trace
from .state import restart_from_warehouse, return_to_durable_state

DEFAULT_LOCK_TIMEOUT_SECONDS = 300.0


@dataclass(frozen=True)
class RunResult:
    pipeline: Pipeline
    info: LoadInfo
    destination: str  # "duckdb" or "bigquery"

    def describe_destination(self) -> str:
        return destinations.describe(self.destination)


def create_pipeline(spec: PipelineSpec, destination_name: str, progress: str = "none") -> Pipeline:
    """The dlt pipeline; loads go direct unless GCS staging is configured (BigQuery only)."""
    destination = destinations.build_destination(destination_name)
    return dlt.pipeline(
        pipeline_name=spec.name,
        destination=destination,
        staging=destinations.build_staging(destination_name, destination),
        dataset_name=spec.dataset,
        progress=None if progress == "none" else progress,
    )


def lock_timeout_seconds() -> float:
    """`runner.lock_timeout_seconds` (RUNNER__LOCK_TIMEOUT_SECONDS): how long a second run waits."""
    configured = dlt.config.get("runner.lock_timeout_seconds")
    return DEFAULT_LOCK_TIMEOUT_SECONDS if configured is None else float(configured)


def duckdb_file(pipeline: Pipeline) -> Path | None:
    if pipeline.destination.destination_type.rsplit(".", 1)[-1] != "duckdb":
        return None
    return destinations.duckdb_path()


def run(
    spec: PipelineSpec,
    pipeline: Pipeline,
    *,
    full_refresh: bool = False,
    upgrade_contract: bool = True,
) -> LoadInfo:
    """One run under the pipeline's lock. Returns dlt's LoadInfo.

    `upgrade_contract=False` when the caller already ran `alembic upgrade head` (the
    DAGs do it in a task of its own, once per DAG run).
    """
    working_dir = Path(pipeline.working_dir)
    with run_lock(working_dir, duckdb_file(pipeline), lock_timeout_seconds()):
        trace = None
        destinations.check_access(pipeline.destination)
        try:
            restart_from_warehouse(pipeline, contract.prepare if upgrade_contract else None)
            source = contract.guard_presence(spec.build_source(), spec.dataset)
            pipeline.extract(source, refresh="drop_data" if full_refresh else None)
            pipeline.normalize()
            contract.check(pipeline)
            info = pipeline.load()
            info.raise_on_failed_jobs()
            return info
        except BaseException:
            trace = pipeline.last_trace
            return_to_durable_state(pipeline)
            raise
        finally:
            save_scrubbed_trace(pipeline, trace or pipeline.last_trace)


def run_pipeline(
    spec: PipelineSpec,
    *,
    destination: str | None = None,
    progress: str = "none",
    full_refresh: bool = False,
    upgrade_contract: bool = True,
) -> RunResult:
    """Resolve the destination (`--destination`, then settings, then DuckDB) and run."""
    name = destinations.destination_name(destination)
    pipeline = create_pipeline(spec, name, progress)
    info = run(spec, pipeline, full_refresh=full_refresh, upgrade_contract=upgrade_contract)
    return RunResult(pipeline, info, name)
