"""Sandbox data of a given size, the edits of a "1 % edited" run, and minimum requests.

The minimum of a run is what no client could go below: pages at each API's maximum page
size, the schema reads, and on later runs one change query and one deletion query per
resource (Google's sync token answers both in one). Requests are counted from the
sandbox's request log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pipelines.hubspot.settings import (
    DEFAULT_ASSOCIATION_TARGETS,
    DEFAULT_OBJECTS,
    ENGAGEMENT_TYPES,
)
from sandbox import Sandbox
from sandbox.notion.sample import DAILY, WEEKLY

NOTION_DATABASES = (DAILY, WEEKLY)
HUBSPOT_TYPES = (*DEFAULT_OBJECTS, *ENGAGEMENT_TYPES)
# every association direction the pipeline loads with its default settings
HUBSPOT_LINKS = {
    from_type: tuple(t for t in targets if t in HUBSPOT_TYPES)
    for from_type, targets in DEFAULT_ASSOCIATION_TARGETS.items()
    if from_type in HUBSPOT_TYPES
}


@dataclass(frozen=True)
class Workload:
    """Totals to reach (None: the sample data as it is). Added Notion pages and HubSpot
    contacts are dated before the sample data, one an hour (a minute), as a workspace
    grown over time; none is newer than the clock."""

    notion_pages: int | None = None  # pages of both habit databases together
    hubspot_contacts: int | None = None
    google_contacts: int | None = None


def anchor() -> date:
    """The sample data ends two days ago: nothing is stamped later than the clock."""
    return date.today() - timedelta(days=2)


def populate(sandbox: Sandbox, workload: Workload) -> None:
    if workload.notion_pages is not None:
        store = sandbox.apis["notion"].store
        have = sum(len(store.pages_of(name)) for name in NOTION_DATABASES)
        start = store.pages_of(DAILY)[0].created_time  # older than the sample's first day
        for number in range(max(0, workload.notion_pages - have)):
            store.add_page(
                DAILY,
                {"Day": f"Imported day {number}", "Steps": number % 20_000},
                at=start - timedelta(hours=number + 1),
            )
    if workload.hubspot_contacts is not None:
        crm = sandbox.apis["hubspot"].store
        extra = workload.hubspot_contacts - len(crm.ids("contacts"))
        first = datetime.combine(anchor(), time(0, 0), UTC) - timedelta(days=400)
        for number in range(max(0, extra)):
            moment = first - timedelta(minutes=number)
            properties = {
                "email": f"imported{number}@contacts.example",
                "firstname": "Imported",
                "lastname": f"Contact {number}",
            }
            crm.insert("contacts", properties, moment, moment)
    if workload.google_contacts is not None:
        people = sandbox.apis["google_people"].store
        for number in range(max(0, workload.google_contacts - len(people.resource_names()))):
            people.add_person(
                "Imported", f"Contact {number}", emails=[f"imported{number}@contacts.example"]
            )


def sizes(sandbox: Sandbox) -> dict[str, dict[str, int]]:
    notion = sandbox.apis["notion"].store
    crm = sandbox.apis["hubspot"].store
    people = sandbox.apis["google_people"].store
    return {
        "notion": {name: len(notion.pages_of(name)) for name in NOTION_DATABASES},
        "hubspot": {t: len(crm.ids(t)) for t in HUBSPOT_TYPES},
        "google_people": {
            "contacts": len(people.resource_names()),
            "contact_groups": len(people.live_groups()),
        },
    }


def edit_one_percent(sandbox: Sandbox) -> dict[str, dict[str, int]]:
    """Edit 1 % of every resource's records (at least one); returns how many per resource."""
    notion = sandbox.apis["notion"].store
    crm = sandbox.apis["hubspot"].store
    people = sandbox.apis["google_people"].store
    edited: dict[str, dict[str, int]] = {"notion": {}, "hubspot": {}, "google_people": {}}
    for name in NOTION_DATABASES:
        pages = notion.pages_of(name)
        chosen = pages[::100][: max(1, len(pages) // 100)]
        title = notion.data_source(name).title_property()
        for page in chosen:
            notion.edit_page(page.id, {title.name: f"{page.values.get(title.id) or ''} (edited)"})
        edited["notion"][name] = len(chosen)
    for object_type in HUBSPOT_TYPES:
        ids = crm.ids(object_type)
        edited["hubspot"][object_type] = len(
            crm.touch(object_type, ids[::100][: max(1, len(ids) // 100)])
        )
    names = people.resource_names()
    chosen = names[::100][: max(1, len(names) // 100)]
    for name in chosen:
        people.edit_person(name, job_title="Edited for the benchmark")
    edited["google_people"] = {"contacts": len(chosen), "contact_groups": 0}
    return edited


def minimum_requests(source: str, run: str, size: dict[str, int], edited: dict[str, int]) -> int:
    """The fewest requests a `run` ("full", "edited", "no change") of `source` can make."""
    if source == "notion":
        schema = 2 * len(size)  # the database, then its data source
        if run == "full":
            return schema + sum(math.ceil(n / 100) for n in size.values())
        changed = edited if run == "edited" else dict.fromkeys(size, 0)
        return schema + sum(max(1, math.ceil(changed[d] / 100)) + 1 for d in size)
    if source == "hubspot":
        schema = len(size)  # the property definitions of each object type
        if run == "full":
            links = sum(
                math.ceil(size[f] / 1000) for f, targets in HUBSPOT_LINKS.items() for _ in targets
            )
            return schema + sum(math.ceil(n / 100) for n in size.values()) + links
        changed = edited if run == "edited" else dict.fromkeys(size, 0)
        links = sum(
            math.ceil(changed[f] / 1000) for f, targets in HUBSPOT_LINKS.items() for _ in targets
        )
        return schema + sum(max(1, math.ceil(changed[t] / 200)) + 1 for t in size) + links
    if source == "google_people":
        token = 1  # the OAuth refresh
        if run == "full":
            return token + sum(math.ceil(n / 1000) for n in size.values())
        changed = edited if run == "edited" else dict.fromkeys(size, 0)
        return token + sum(max(1, math.ceil(changed[r] / 1000)) for r in size)
    raise ValueError(source)
