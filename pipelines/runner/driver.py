"""The one way a pipeline runs, from the command line and from Airflow alike.

extract -> normalize -> contract check -> load: a contract violation stops the run
before anything reaches the warehouse, and a stop before load leaves no pending package
and no advanced incremental state.
"""

from __future__ import annotations

from dataclasses import dataclass

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.pipeline.pipeline import Pipeline

from pipelines import contract
from pipelines.core import destination as destinations
from pipelines.registry import PipelineSpec


@dataclass(frozen=True)
class RunResult:
    pipeline: Pipeline
    info: LoadInfo
    destination: str  # "duckdb" or "bigquery"

    def describe_destination(self) -> str:
        return destinations.describe(self.destination)


def create_pipeline(spec: PipelineSpec, destination_name: str, progress: str = "none") -> Pipeline:
    return dlt.pipeline(
        pipeline_name=spec.name,
        destination=destinations.build_destination(destination_name),
        dataset_name=spec.dataset,
        progress=None if progress == "none" else progress,
    )


def run(
    spec: PipelineSpec,
    pipeline: Pipeline,
    *,
    full_refresh: bool = False,
    upgrade_contract: bool = True,
) -> LoadInfo:
    """Extract, normalize, check the raw contract, load. Returns dlt's LoadInfo.

    `upgrade_contract=False` when the caller already ran `alembic upgrade head` (the
    DAGs do it in a task of its own, once per DAG run).
    """
    source = spec.build_source()
    if upgrade_contract:
        contract.prepare(pipeline)
    pipeline.sync_destination()  # a fresh worker restores state (cursors) from the warehouse
    with contract.rollback_on_error(pipeline):  # a stop here leaves no package, no new state
        pipeline.extract(source, refresh="drop_data" if full_refresh else None)
        pipeline.normalize()
        contract.check(pipeline)
    info = pipeline.load()
    info.raise_on_failed_jobs()
    return info


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
