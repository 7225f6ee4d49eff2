"""Raw-contract enforcement around every pipeline run.

`prepare` brings the warehouse to the contract's head before extract; `check` runs
after normalize and stops the run before load when the data would break a contracted
column (the run driver then discards the run's packages, so nothing reaches the warehouse);
`guard_presence` checks at extract that every live row carries every contracted column.
"""

from __future__ import annotations

from dlt.pipeline.pipeline import Pipeline

from . import upgrade as upgrades
from .compare import ContractViolation, schema_breaches
from .head import head_contract
from .presence import guard_presence
from .warehouse import for_pipeline

__all__ = ["ContractViolation", "check", "guard_presence", "prepare"]


def prepare(pipeline: Pipeline) -> None:
    """Bring the warehouse of this pipeline's destination to the contract's head."""
    upgrades.upgrade_warehouse(for_pipeline(pipeline))


def check(pipeline: Pipeline) -> None:
    """Stop the run before load when normalized data breaks the contract."""
    contract = head_contract()
    if not contract.tables_in(pipeline.dataset_name):
        return
    mapper = pipeline.destination.capabilities().get_type_mapper()
    breaches = [
        breach
        for name in pipeline.schema_names
        for breach in schema_breaches(
            pipeline.schemas[name], pipeline.dataset_name, contract, mapper
        )
    ]
    if breaches:
        raise ContractViolation(
            pipeline.dataset_name,
            contract.revision,
            breaches,
            "the load stopped before writing anything",
        )
