"""Raw-contract enforcement hooks called by every pipeline run (to be completed)."""

from __future__ import annotations

from dlt.pipeline.pipeline import Pipeline


def prepare(pipeline: Pipeline) -> None:
    """Bring the warehouse to the contract's head revision before loading."""


def check(pipeline: Pipeline) -> None:
    """Stop the run before load when normalized data breaks the contract."""
