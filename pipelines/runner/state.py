"""Incremental state that advances only with data that is durably in the warehouse.

dlt commits cursors, boundaries, link ledgers and sync tokens to the pipeline's working
folder at extract, before anything is loaded; a load that then fails, or a process that
is killed, would leave them ahead of the data. dlt also writes the state into the
warehouse with every load package, and reads it back only from loads that completed
(`_dlt_loads.status = 0`). So the warehouse's copy is the durable one: every run begins
by discarding the local working state (a cache) and restoring state and schemas from the
last complete load. A failed, aborted or killed run, at whatever point, thus leaves the
next run re-reading exactly what did not land.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from dlt.pipeline.pipeline import Pipeline

logger = logging.getLogger(__name__)


def restart_from_warehouse(
    pipeline: Pipeline, prepare: Callable[[Pipeline], None] | None = None
) -> None:
    """Drop local state, schemas and pending packages; restore from the last complete load.

    Pending packages belong to a run that failed or was killed; their state never became
    durable, so re-extracting from the warehouse's state replaces them (merge keys make
    rows that did land in part idempotent). The working folder is wiped before anything
    reads it: a process killed mid-write may have left it inconsistent. `prepare` runs on
    the wiped pipeline before the restore (the contract upgrade).
    """
    if pipeline.has_pending_data:
        logger.warning(
            "%s: discarding packages of an earlier run that did not complete; "
            "re-reading from the state of the last complete load",
            pipeline.pipeline_name,
        )
    pipeline.drop()  # wipes the working folder (kill-safe: the next run does it again)
    pipeline.activate()
    if prepare is not None:
        prepare(pipeline)
    pipeline.sync_destination()


def return_to_durable_state(pipeline: Pipeline) -> None:
    """After a failed run: drop its packages and its state, so nothing half-checked is
    loaded later and `dlt pipeline <name> show` tells the warehouse's truth.

    Best effort: the next run's restart does the same whatever happens here.
    """
    try:
        restart_from_warehouse(pipeline)
    except Exception:
        logger.warning(
            "%s: could not restore state from the warehouse now; the next run will",
            pipeline.pipeline_name,
            exc_info=True,
        )
