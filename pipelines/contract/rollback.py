"""Put a pipeline back as it was before extract when a run stops before load.

Extract commits the new incremental state (cursors, sync tokens) and schema to the
pipeline's working folder at once; if the run then stops, the next run would start
after data that never reached the warehouse. The snapshot keeps what extract would
overwrite and the list of packages that were already pending (a package left by an
earlier failed load stays: its state was committed by that earlier run).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dlt.pipeline.pipeline import Pipeline

SCHEMAS_FOLDER = "schemas"  # dlt keeps the pipeline's schemas here, beside state.json


@dataclass(frozen=True)
class PipelineSnapshot:
    pending: frozenset[str]
    state: bytes | None
    schemas: dict[str, bytes]

    @classmethod
    def take(cls, pipeline: Pipeline) -> PipelineSnapshot:
        folder = Path(pipeline.working_dir)
        state = folder / Pipeline.STATE_FILE
        schemas = folder / SCHEMAS_FOLDER
        return cls(
            pending=frozenset(pending_packages(pipeline)),
            state=state.read_bytes() if state.is_file() else None,
            schemas={p.name: p.read_bytes() for p in schemas.glob("*")} if schemas.is_dir() else {},
        )

    def restore(self, pipeline: Pipeline) -> None:
        drop_packages(pipeline, set(pending_packages(pipeline)) - self.pending)
        folder = Path(pipeline.working_dir)
        state = folder / Pipeline.STATE_FILE
        if self.state is None:
            state.unlink(missing_ok=True)
        else:
            state.write_bytes(self.state)
        schemas = folder / SCHEMAS_FOLDER
        if schemas.is_dir():
            shutil.rmtree(schemas)
        schemas.mkdir(parents=True, exist_ok=True)
        for name, content in self.schemas.items():
            (schemas / name).write_bytes(content)
        # the live pipeline object forgets what extract taught it
        pipeline.schemas.live_schemas.clear()
        restored = pipeline.state
        pipeline.default_schema_name = restored.get("default_schema_name")
        pipeline.schema_names = list(restored.get("schema_names", []))


def pending_packages(pipeline: Pipeline) -> list[str]:
    return [*pipeline.list_extracted_load_packages(), *pipeline.list_normalized_load_packages()]


def drop_packages(pipeline: Pipeline, load_ids: set[str]) -> None:
    """Delete these extracted or normalized packages (dlt offers only 'drop all pending')."""
    extracted = pipeline._get_normalize_storage().extracted_packages
    normalized = pipeline._get_load_storage().normalized_packages
    for load_id in load_ids:
        extracted.delete_package(load_id, not_exists_ok=True)
        normalized.delete_package(load_id, not_exists_ok=True)


@contextmanager
def rollback_on_error(pipeline: Pipeline) -> Iterator[None]:
    """Any exception inside (extract, normalize, the contract check) undoes their work."""
    snapshot = PipelineSnapshot.take(pipeline)
    try:
        yield
    except BaseException:
        snapshot.restore(pipeline)
        raise
