"""A small stand-in for the Google source: raw_google.contacts rows, incremental on
updated_at, with the contract's column hints. Drift scenarios change one hint."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.extract.source import DltSource

from pipelines.contract.head import head_contract
from pipelines.registry import PipelineSpec


def as_hints(columns) -> dict[str, dict[str, Any]]:
    """dlt column hints for contract columns (dlt's own bookkeeping columns left out)."""
    return {
        c.name: {"data_type": c.data_type, "nullable": c.nullable}
        for c in columns
        if not c.is_dlt_bookkeeping
    }


# The stand-ins serve exactly the contract at head: no hand-kept copy to drift from it.
HINTS = as_hints(head_contract().table("raw_google", "contacts").columns)
PAGE_HINTS = as_hints(head_contract().shared_columns("raw_notion"))


def person(n: int, *, day: int = 1) -> dict[str, Any]:
    return {
        "resource_name": f"people/c{n}",
        "etag": f"etag-{n}-{day}",
        "display_name": f"Person {n}",
        "given_name": "Person",
        "family_name": str(n),
        "primary_email": f"person{n}@example.com",
        "emails": [{"value": f"person{n}@example.com", "type": "work"}],
        "phone_numbers": [{"value": f"+4930{n:06d}"}],
        "organization": "Example GmbH",
        "job_title": "Engineer",
        "birthday": f"1990-01-{(n % 28) + 1:02d}",
        "birthday_month": 1,
        "birthday_day": (n % 28) + 1,
        "updated_at": f"2026-10-{day:02d}T08:00:00+00:00",
        "is_deleted": False,
    }


@dataclass
class FakeGoogle:
    """What the stand-in source serves; tests edit rows and hints between runs."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    hints: dict[str, dict[str, Any]] = field(default_factory=lambda: deepcopy(HINTS))

    def source(self) -> DltSource:
        rows, hints = deepcopy(self.rows), deepcopy(self.hints)

        @dlt.resource(
            name="contacts",
            write_disposition="merge",
            primary_key="resource_name",
            columns=hints,
            incremental=dlt.sources.incremental("updated_at", initial_value="2000-01-01T00:00:00Z"),
        )
        def contacts():
            yield from rows

        @dlt.source(name="google_people")
        def google_people():
            return contacts

        return google_people()

    def drop_column(self, name: str) -> None:
        self.hints.pop(name)
        for row in self.rows:
            row.pop(name, None)

    def spec(self) -> PipelineSpec:
        build: Callable[[], DltSource] = self.source
        return PipelineSpec(
            name="google_contacts", dataset="raw_google", source="google_people", build_source=build
        )
