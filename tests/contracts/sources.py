"""A small stand-in for the Google source: raw_google.contacts rows, incremental on
updated_at, with the contract's column hints. Drift scenarios change one hint."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.extract.source import DltSource

from pipelines.runtime import PipelineSpec

HINTS: dict[str, dict[str, Any]] = {
    "resource_name": {"data_type": "text", "nullable": False},
    "etag": {"data_type": "text"},
    "display_name": {"data_type": "text"},
    "given_name": {"data_type": "text"},
    "family_name": {"data_type": "text"},
    "primary_email": {"data_type": "text"},
    "emails": {"data_type": "json"},
    "phone_numbers": {"data_type": "json"},
    "organization": {"data_type": "text"},
    "job_title": {"data_type": "text"},
    "birthday": {"data_type": "date"},
    "birthday_month": {"data_type": "bigint"},
    "birthday_day": {"data_type": "bigint"},
    "updated_at": {"data_type": "timestamp"},
    "is_deleted": {"data_type": "bool", "nullable": False},
}


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
        return PipelineSpec(name="google_contacts", dataset="raw_google", build_source=build)
