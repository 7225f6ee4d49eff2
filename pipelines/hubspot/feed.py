"""The feed the tables read: every object type's sync in turn, then the link changes.

One hidden resource (the feed) makes every request and yields `TableBatch`es; each
table resource keeps the batches addressed to it. An object type's cursor serves its
table and the associations table at once, so it only moves when both load in the
run; a run that selects only some tables reads what it needs and leaves the cursor
where it was (the next full run reads those changes again).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from dlt.common import logger

from ..core import cadence
from .client import CrmClient
from .links import LinkLedger, chunks
from .objects import ObjectSync, ObjectType
from .plan import CrmPlan
from .settings import ASSOCIATIONS_TABLE


@dataclass(frozen=True)
class TableBatch:
    table: str
    rows: list[dict[str, Any]]


class CrmFeed:
    """Runs every object type's sync in turn and yields the rows for each table."""

    def __init__(
        self,
        client: CrmClient,
        plan: CrmPlan,
        specs: Mapping[str, ObjectType],
        state: dict[str, Any],
        selected: set[str],
        sweep_size: int,
        sweep_interval_hours: float = 0.0,
    ) -> None:
        self.client = client
        self.plan = plan
        self.specs = specs
        self.state = state
        self.selected = selected
        self.sweep_size = sweep_size
        self.sweep_interval_hours = sweep_interval_hours

    def batches(self) -> Iterator[TableBatch]:
        with_links = ASSOCIATIONS_TABLE in self.selected and bool(self.plan.targets)
        # the sweep (links that changed without a change to either record) runs at most
        # once per interval; its time lives in this resource's state, restored with it
        sweep_due = with_links and cadence.is_due(
            self.state.get("link_sweep_at"), self.sweep_interval_hours
        )
        ledger = (
            LinkLedger(
                self.client,
                self.plan.targets,
                self.state.setdefault("links", {}),
                self.state.setdefault("link_sweep", {}),
                self.sweep_size if sweep_due else 0,
            )
            if with_links
            else None
        )
        remembered = self.state.setdefault("objects", {})
        for object_type in self._types_to_read(with_links):
            spec = self.specs[object_type]
            if self._all_consumers_selected(object_type):
                type_state = remembered.setdefault(object_type, {})
            else:
                type_state = copy.deepcopy(remembered.get(object_type, {}))
                logger.warning(
                    "%s: read for this run only; its cursor stays until %s and %s load together",
                    object_type,
                    spec.table,
                    ASSOCIATIONS_TABLE,
                )
            before = self.client.stats.requests
            sync = ObjectSync(self.client, spec, type_state, ledger)
            for rows in sync.run():
                if rows:
                    yield TableBatch(spec.table, rows)
            if ledger is not None:
                ledger.refresh(object_type)
            counts = sync.counts
            logger.info(
                "%s: %s %d records, %d deleted, %d requests",
                object_type,
                "loaded" if counts.full else "changed",
                counts.changed,
                counts.deleted,
                self.client.stats.requests - before,
            )
        if ledger is not None:
            ledger.refresh_all()
            for rows in chunks(ledger.rows(), 1000):
                yield TableBatch(ASSOCIATIONS_TABLE, list(rows))
            if sweep_due:
                self.state["link_sweep_at"] = cadence.stamp()
        stats = self.client.stats
        logger.info(
            "HubSpot: %d requests, %d retried (%s), %.1f s waiting",
            stats.requests,
            stats.retries,
            ", ".join(f"{k}: {v}" for k, v in sorted(stats.by_reason.items())) or "none",
            stats.waited_seconds,
        )

    def _types_to_read(self, with_links: bool) -> list[str]:
        return [
            t
            for t in self.plan.object_types
            if self.plan.table_for(t) in self.selected
            or (with_links and t in self.plan.linked_types)
        ]

    def _all_consumers_selected(self, object_type: str) -> bool:
        if self.plan.table_for(object_type) not in self.selected:
            return False
        if self.plan.targets and object_type in self.plan.linked_types:
            return ASSOCIATIONS_TABLE in self.selected
        return True
