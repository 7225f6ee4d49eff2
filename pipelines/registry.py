"""The pipelines this project runs, in one list.

The entry scripts, the run driver, the Airflow DAGs, the demo, the benchmarks and the
tests all read this list, so adding a source means adding one entry here. Importing it
is cheap (no dlt, no SDK): a source is imported only when its factory is called, which
keeps Airflow's DAG parsing fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlt.extract.source import DltSource


@dataclass(frozen=True)
class PipelineSpec:
    name: str  # dlt pipeline name, also the dashboard's: `dlt pipeline <name> show`
    dataset: str  # raw dataset (schema) in the warehouse
    source: str  # source package and settings section: `sources.<source>.*`
    build_source: Callable[[], DltSource]
    secret_keys: tuple[str, ...] = field(default_factory=tuple)  # masked in all output
    description: str = ""

    @property
    def entry_script(self) -> str:
        """The runnable file: `python pipelines/<name>.py`."""
        return f"pipelines/{self.name}.py"


def lazy_source(source: str, factory: str) -> Callable[[], DltSource]:
    """A factory for `pipelines.<source>.<factory>()` that imports the source when called."""

    def build() -> DltSource:
        return getattr(importlib.import_module(f"pipelines.{source}"), factory)()

    build.__qualname__ = f"pipelines.{source}.{factory}"
    return build


NOTION_HABITS = PipelineSpec(
    name="notion_habits",
    dataset="raw_notion",
    source="notion",
    build_source=lazy_source("notion", "notion_databases"),
    secret_keys=("sources.notion.api_key",),
    description=(
        "Load Notion habit trackers (daily and weekly habit databases) into raw_notion. "
        "Only pages edited since the last run are read; trashed pages are kept with "
        "is_deleted = true."
    ),
)

HUBSPOT_CRM = PipelineSpec(
    name="hubspot_crm",
    dataset="raw_hubspot",
    source="hubspot",
    build_source=lazy_source("hubspot", "hubspot"),
    secret_keys=("sources.hubspot.access_token",),
    description=(
        "Load HubSpot CRM contacts, companies, engagements and associations into "
        "raw_hubspot. The first run lists everything; later runs read only what changed "
        "(archived and merged records and removed associations included)."
    ),
)

GOOGLE_CONTACTS = PipelineSpec(
    name="google_contacts",
    dataset="raw_google",
    source="google_people",
    build_source=lazy_source("google_people", "google_people"),
    secret_keys=(
        "sources.google_people.credentials.client_secret",
        "sources.google_people.credentials.refresh_token",
    ),
    description=(
        "Load Google Contacts (People API) into raw_google. Later runs ask only for what "
        "changed since the stored sync token, deletions included; an expired token falls "
        "back to a full sync that flags vanished contacts as deleted."
    ),
)

PIPELINES: tuple[PipelineSpec, ...] = (NOTION_HABITS, HUBSPOT_CRM, GOOGLE_CONTACTS)
RAW_DATASETS: tuple[str, ...] = tuple(spec.dataset for spec in PIPELINES)


def by_name(name: str) -> PipelineSpec:
    """The registered pipeline called `name`; KeyError names the known ones."""
    for spec in PIPELINES:
        if spec.name == name:
            return spec
    raise KeyError(f"no pipeline {name!r}; known: {', '.join(s.name for s in PIPELINES)}")
