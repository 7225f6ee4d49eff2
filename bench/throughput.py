"""Rows per second of each pipeline's full load against bare dlt on the same JSON.

The baseline asks the same endpoints for the same pages (page sizes, properties, fields)
with plain HTTP and hands the records to dlt as they come, with dlt's defaults: one merge
table per resource on the primary key, nested objects flattened into columns and lists
into child tables (no typing, no contract check, no state, no lock). Both read the same
records, so throughput is the ratio of their times: baseline seconds / pipeline seconds.
They run in the same benchmark, alternating, against one sandbox in its own process.
Target: the pipeline keeps at least 0.8x the baseline's throughput.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import dlt
import httpx

from pipelines.google_people.settings import GROUP_FIELDS, PERSON_FIELDS
from pipelines.notion.settings import NOTION_VERSION
from pipelines.registry import by_name

from .core import Options, Record, record
from .environment import pipeline_environment, timed_run
from .serve import served
from .workloads import Workload

FULL = Workload(notion_pages=5_000, hubspot_contacts=30_000, google_contacts=10_000)
QUICK = Workload(notion_pages=1_000, hubspot_contacts=5_000, google_contacts=2_500)
TARGET = 0.8
PIPELINES = {
    "notion": "notion_habits",
    "hubspot": "hubspot_crm",
    "google_people": "google_contacts",
}
LABELS = {"notion": "Notion", "hubspot": "HubSpot contacts", "google_people": "Google"}
# the HubSpot pipeline loads contacts alone here, so both read the same JSON
HUBSPOT_CONTACTS_ONLY = {
    "SOURCES__HUBSPOT__OBJECTS": '["contacts"]',
    "SOURCES__HUBSPOT__ENGAGEMENT_TYPES": "[]",
    "SOURCES__HUBSPOT__ASSOCIATIONS": "[]",
}


def notion_records(env: dict[str, str], http: httpx.Client) -> Iterator[object]:
    base = env["SOURCES__NOTION__BASE_URL"].rstrip("/") + "/v1"
    headers = {
        "Authorization": f"Bearer {env['SOURCES__NOTION__API_KEY']}",
        "Notion-Version": NOTION_VERSION,
    }
    for table, database_id in json.loads(env["SOURCES__NOTION__DATABASES"]).items():
        database = http.get(f"{base}/databases/{database_id}", headers=headers).json()
        for listed in database["data_sources"]:
            http.get(f"{base}/data_sources/{listed['id']}", headers=headers).raise_for_status()
            body: dict = {
                "page_size": 100,
                "sorts": [{"timestamp": "last_edited_time", "direction": "ascending"}],
            }
            while True:
                answer = http.post(
                    f"{base}/data_sources/{listed['id']}/query", headers=headers, json=body
                ).json()
                yield dlt.mark.with_table_name(answer["results"], table)
                if not answer.get("has_more"):
                    break
                body["start_cursor"] = answer["next_cursor"]


def hubspot_records(env: dict[str, str], http: httpx.Client) -> Iterator[object]:
    base = env["SOURCES__HUBSPOT__BASE_URL"].rstrip("/")
    headers = {"Authorization": f"Bearer {env['SOURCES__HUBSPOT__ACCESS_TOKEN']}"}
    definitions = http.get(f"{base}/crm/v3/properties/contacts", headers=headers).json()
    names = ",".join(p["name"] for p in definitions["results"])
    params: dict = {"limit": 100, "properties": names, "archived": "false"}
    while True:
        answer = http.get(f"{base}/crm/v3/objects/contacts", headers=headers, params=params).json()
        yield dlt.mark.with_table_name(answer["results"], "contacts")
        following = (answer.get("paging") or {}).get("next")
        if not following:
            break
        params["after"] = following["after"]


def google_records(env: dict[str, str], http: httpx.Client) -> Iterator[object]:
    token = http.post(
        env["SOURCES__GOOGLE_PEOPLE__TOKEN_URI"],
        data={
            "grant_type": "refresh_token",
            "client_id": env["SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_ID"],
            "client_secret": env["SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_SECRET"],
            "refresh_token": env["SOURCES__GOOGLE_PEOPLE__CREDENTIALS__REFRESH_TOKEN"],
        },
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    base = env["SOURCES__GOOGLE_PEOPLE__BASE_URL"].rstrip("/") + "/v1"
    for path, key, table, fields in (
        ("people/me/connections", "connections", "contacts", ("personFields", PERSON_FIELDS)),
        ("contactGroups", "contactGroups", "contact_groups", ("groupFields", GROUP_FIELDS)),
    ):
        params = {fields[0]: ",".join(fields[1]), "pageSize": 1000, "requestSyncToken": "true"}
        if table == "contact_groups":
            params.pop("requestSyncToken")
        while True:
            answer = http.get(f"{base}/{path}", headers=headers, params=params).json()
            yield dlt.mark.with_table_name(answer.get(key) or [], table)
            if not answer.get("nextPageToken"):
                break
            params["pageToken"] = answer["nextPageToken"]


BARE = {"notion": notion_records, "hubspot": hubspot_records, "google_people": google_records}
KEYS = {"notion": "id", "hubspot": "id", "google_people": "resourceName"}


def bare_run(source: str, env: dict[str, str], root: Path) -> tuple[int, float]:
    """(rows, seconds) of bare dlt reading the same endpoints into a fresh DuckDB file."""
    # dlt warns about columns no record filled (cover, icon, ...): expected of raw JSON
    logging.getLogger("dlt").setLevel(logging.ERROR)
    started = time.time()
    with httpx.Client(timeout=120) as http:
        resource = dlt.resource(
            BARE[source](env, http),
            name=source,
            write_disposition="merge",
            primary_key=KEYS[source],
        )
        pipeline = dlt.pipeline(
            pipeline_name=f"bare_{source}",
            pipelines_dir=str(root / "bare"),
            destination=dlt.destinations.duckdb(str(root / "bare.duckdb")),
            dataset_name=f"bare_{source}",
        )
        pipeline.run(resource)
    seconds = time.time() - started
    counts = pipeline.last_trace.last_normalize_info.row_counts
    return sum(n for t, n in counts.items() if not t.startswith("_dlt")), seconds


def run(options: Options) -> list[Record]:
    workload = QUICK if options.quick else FULL
    ratios: dict[str, list[float]] = {s: [] for s in PIPELINES}
    rows: dict[str, int] = {}
    with (
        tempfile.TemporaryDirectory(prefix="bench-sandbox-") as folder,
        served(workload, rate_limits=False, settings_dir=Path(folder)) as sandbox,
    ):
        for _ in range(options.runs):
            for source, name in PIPELINES.items():
                env = {**sandbox.env, **(HUBSPOT_CONTACTS_ONLY if source == "hubspot" else {})}
                with pipeline_environment(env) as root:
                    bare_rows, bare_seconds = bare_run(source, env, root)
                with pipeline_environment(env):
                    timing = timed_run(by_name(name))
                rows[source] = timing.rows
                ratios[source].append(bare_seconds / timing.seconds)
    return [
        record(
            f"throughput / bare dlt, same JSON: {LABELS[source]} ({rows[source]:,} rows)",
            "x",
            ratios[source],
            TARGET,
            higher_is_better=True,
        )
        for source in PIPELINES
    ]
