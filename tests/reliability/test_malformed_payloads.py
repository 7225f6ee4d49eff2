"""Malformed records from the APIs stop the run before anything is loaded.

Each case loads cleanly, edits one record at the source, serves that record malformed and
runs again: exit 1, a message naming the record, its table and the field, and a warehouse
unchanged to the last row (dlt's state tables included, so no cursor moved). Once the API
sends the record whole, the next run loads the edit: nothing was skipped.

Property types a source does not know yet take the tolerant path the README describes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import sandbox.hubspot.routes as hubspot_routes
import sandbox.notion.routes as notion_routes
from pipelines.registry import GOOGLE_CONTACTS, HUBSPOT_CRM, NOTION_HABITS, PipelineSpec
from sandbox import Sandbox
from sandbox.notion.sample import DAILY
from tests.sources.google_people.conftest import google, google_env  # noqa: F401 (fixtures)
from tests.sources.hubspot.conftest import hubspot_env  # noqa: F401 (fixture)
from tests.sources.notion.conftest import notion, notion_env  # noqa: F401 (fixtures)
from tests.utils import EntryPoint, PipelineEnv

Payload = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """Where a source's records come from in the sandbox, and one edit to load."""

    spec: PipelineSpec
    env: str  # the fixture that points the pipeline at the sandbox
    table: str
    renders: Callable[[Sandbox], tuple[Any, str]]  # (owner, name) of the payload's render
    marker: str  # the payload field telling the edited record from the others
    edit: Callable[[Sandbox], tuple[str, Any]]  # -> (record key, its marker value)
    loaded: tuple[str, tuple]  # SQL reading the edit by record key, and what it returns


def _edit_page(sandbox: Sandbox) -> tuple[str, str]:
    store = sandbox.apis["notion"].store
    sandbox.clock.advance(minutes=5)
    page = store.edit_page(store.pages_of(DAILY)[100].id, {"Sleep hours": 9.25})
    return page.id, page.id


def _edit_contact(sandbox: Sandbox) -> tuple[str, str]:
    crm = sandbox.apis["hubspot"].store
    contact = crm.ids("contacts")[5]
    crm.edit("contacts", contact, firstname="Edited")
    return contact, contact


def _link_contact(sandbox: Sandbox) -> tuple[str, int]:
    crm = sandbox.apis["hubspot"].store
    contact = crm.ids("contacts")[5]
    company = crm.create("companies", {"name": "Linked once"}).id
    crm.associate("contacts", contact, "companies", company)
    crm.touch("contacts", [contact])  # read on the next run, not only at the next link sweep
    return contact, int(company)  # the links answer names only the company


def _edit_person(sandbox: Sandbox) -> tuple[str, str]:
    store = sandbox.apis["google_people"].store
    person = store.resource_names()[5]
    store.edit_person(person, job_title="Edited")
    return person, person


NOTION = Source(
    NOTION_HABITS,
    "notion_env",
    "daily_habits",
    lambda sandbox: (notion_routes, "page_json"),
    "id",
    _edit_page,
    ("select sleep_hours from raw_notion.daily_habits where id = ?", (9.25,)),
)
HUBSPOT = Source(
    HUBSPOT_CRM,
    "hubspot_env",
    "contacts",
    lambda sandbox: (hubspot_routes, "record_json"),
    "id",
    _edit_contact,
    ("select firstname from raw_hubspot.contacts where id = ?", ("Edited",)),
)
HUBSPOT_LINKS = Source(
    HUBSPOT_CRM,
    "hubspot_env",
    "associations",
    lambda sandbox: (hubspot_routes, "association_json"),
    "toObjectId",
    _link_contact,
    (
        "select c.name, a.is_deleted from raw_hubspot.associations a join raw_hubspot.companies c "
        "on a.to_id = c.id where a.from_id = ? and c.name = 'Linked once'",
        ("Linked once", False),
    ),
)
GOOGLE = Source(
    GOOGLE_CONTACTS,
    "google_env",
    "contacts",
    lambda sandbox: (sandbox.apis["google_people"].store, "render_person"),
    "resourceName",
    _edit_person,
    ("select job_title from raw_google.contacts where resource_name = ?", ("Edited",)),
)
_DROP = object()


def _set(path: str, value: Any = _DROP) -> Callable[[Payload], None]:
    """Set the field at a dotted path (list items by index); drop it when no value is given."""
    *parents, last = path.split(".")

    def corrupt(payload: Payload) -> None:
        holder: Any = payload
        for step in parents:
            holder = holder[int(step)] if isinstance(holder, list) else holder[step]
        if value is _DROP:
            del holder[last]
        else:
            holder[int(last) if isinstance(holder, list) else last] = value

    return corrupt


def _hex_of(resource_name: str) -> str:
    """A Google contact's source id: the number of its resource name, in hex."""
    return format(int(resource_name.removeprefix("people/c")), "x")


def case(
    source: Source,
    corrupt: Callable[[Payload], None],
    field: str,
    name: str,
    names_record: Callable[[str], str] | None = None,
) -> Any:
    """One malformed payload; `field` as the message names it, `names_record` turns the
    record key into what the message shows when the key itself is what is missing."""
    return pytest.param(source, corrupt, field, names_record, id=f"{source.spec.name}-{name}")


CASES = [
    case(NOTION, _set("last_edited_time", 12345), "last_edited_time", "cursor-a-number"),
    case(NOTION, _set("last_edited_time"), "last_edited_time", "cursor-missing"),
    case(NOTION, _set("created_time", "yesterday"), "created_time", "timestamp-unreadable"),
    case(NOTION, _set("id"), "id", "id-missing", lambda key: key.replace("-", "")),
    case(NOTION, _set("properties", []), "properties", "properties-a-list"),
    case(NOTION, _set("properties.Sleep hours.number", "lots"), "properties.Sleep hours", "value"),
    case(HUBSPOT, _set("properties", []), "properties", "properties-a-list"),
    case(HUBSPOT, _set("properties.firstname", {"value": "x"}), "properties.firstname", "value"),
    case(HUBSPOT, _set("updatedAt", "yesterday"), "updatedAt", "cursor-unreadable"),
    case(HUBSPOT, _set("updatedAt"), "updatedAt", "cursor-missing"),
    case(HUBSPOT, _set("id"), "id", "id-missing"),  # named by properties.hs_object_id
    case(HUBSPOT_LINKS, _set("toObjectId"), "toObjectId", "link-target-missing"),
    case(HUBSPOT_LINKS, _set("associationTypes.0.typeId", "primary"), "typeId", "link-type"),
    case(GOOGLE, _set("names", {"displayName": "x"}), "names", "names-an-object"),
    case(GOOGLE, _set("emailAddresses", "a@example.com"), "emailAddresses", "emails-text"),
    case(GOOGLE, _set("metadata", []), "metadata", "metadata-a-list"),
    case(GOOGLE, _set("metadata.sources.0.updateTime", "yesterday"), "updateTime", "update-time"),
    case(GOOGLE, _set("resourceName"), "resourceName", "key-missing", _hex_of),
]


def warehouse(env: PipelineEnv) -> dict[str, Any]:
    """Every table of the warehouse file: its columns and all its rows."""
    tables = env.query(
        "select table_schema, table_name from information_schema.tables order by 1, 2"
    )
    return {
        f"{schema}.{table}": (
            env.query(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ),
            sorted(map(repr, env.query(f'select * from "{schema}"."{table}"'))),
        )
        for schema, table in tables
    }


@pytest.fixture
def hubspot_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Contacts and companies (and their links) are enough for HubSpot here."""
    monkeypatch.setenv("SOURCES__HUBSPOT__OBJECTS", '["contacts", "companies"]')
    monkeypatch.setenv("SOURCES__HUBSPOT__ENGAGEMENT_TYPES", "[]")


@pytest.mark.usefixtures("hubspot_small")
@pytest.mark.parametrize(("source", "corrupt", "field", "names_record"), CASES)
def test_a_malformed_record_stops_the_run_and_is_loaded_once_fixed(
    source: Source,
    corrupt: Callable[[Payload], None],
    field: str,
    names_record: Callable[[str], str] | None,
    request: pytest.FixtureRequest,
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env: PipelineEnv = request.getfixturevalue(source.env)
    run = EntryPoint(source.spec, capsys)
    assert run() == 0, run.output.err
    key, marker = source.edit(sandbox)
    before = warehouse(env)

    owner, name = source.renders(sandbox)
    render = getattr(owner, name)

    def malformed(*args: Any, **kwargs: Any) -> Any:
        payload = render(*args, **kwargs)
        if payload is not None and payload.get(source.marker) == marker:
            corrupt(payload)
        return payload

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(owner, name, malformed)
        assert run() == 1, run.output.err
    message = run.output.err.strip().splitlines()[-1]
    assert message.startswith("error: ")
    assert (names_record or str)(key) in message, message
    assert f"(table {source.table})" in message, message
    assert re.search(rf"field `([^`]*\.)?{re.escape(field)}`", message), message
    assert warehouse(env) == before

    assert run() == 0, run.output.err
    sql, edited = source.loaded
    assert env.query(sql, [key]) == [edited]


@pytest.mark.usefixtures("notion_env")
@pytest.mark.parametrize("value", [{"name": "Berlin", "lat": 52.52}, "Berlin"])
def test_an_unknown_notion_property_type_loads_its_values_as_json(
    value: Any, pipeline_env: PipelineEnv, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    store = sandbox.apis["notion"].store
    place = store.add_property(DAILY, "Place", "place")  # a type Notion may add tomorrow
    page = store.pages_of(DAILY)[3]
    store.pages[page.id].values[place.id] = value
    run = EntryPoint(NOTION_HABITS, capsys)
    assert run() == 0, run.output.err
    columns = pipeline_env.columns("raw_notion", "daily_habits")
    assert columns["place"] == "JSON" and not [c for c in columns if c.startswith("place__v")]
    (loaded,) = pipeline_env.query(
        "select place from raw_notion.daily_habits where id = ?", [page.id]
    )[0]
    assert json.loads(loaded) == {"type": "place", "place": value}
    assert "WARNING" in run.output.err and "'Place'" in run.output.err


@pytest.mark.usefixtures("hubspot_env", "hubspot_small")
def test_an_unknown_hubspot_property_type_loads_as_text(
    pipeline_env: PipelineEnv, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    crm = sandbox.apis["hubspot"].store
    crm.define_property("contacts", "home_location", "geo_point", "geo")
    contact = crm.ids("contacts")[2]
    crm.edit("contacts", contact, home_location="52.52,13.40")
    run = EntryPoint(HUBSPOT_CRM, capsys)
    assert run() == 0, run.output.err
    assert pipeline_env.columns("raw_hubspot", "contacts")["home_location"] == "VARCHAR"
    assert pipeline_env.query(
        "select home_location from raw_hubspot.contacts where id = ?", [contact]
    ) == [("52.52,13.40",)]
    assert "WARNING" in run.output.err and "'geo_point'" in run.output.err
