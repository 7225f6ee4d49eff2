"""First loads of raw_hubspot: every object type, typed and custom properties, pagination."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from sandbox import Sandbox
from sandbox.hubspot.catalog import ASSOCIATIONS, ENGAGEMENT_TYPES
from sandbox.hubspot.store import CrmStore
from tests.sources.hubspot.conftest import load, requests_by_endpoint
from tests.utils import PipelineEnv

LINKED = {"contacts": ("companies",), **{t: ("contacts", "companies") for t in ENGAGEMENT_TYPES}}


def expected_links(crm: CrmStore, linked: dict = LINKED) -> set[tuple]:
    """Every (from_type, from_id, to_type, to_id, type_id, label) the sandbox holds."""
    found = set()
    for from_type, targets in linked.items():
        for from_id in crm.ids(from_type):
            for to_type in targets:
                for to_id, type_ids in crm.visible_links(from_type, from_id, to_type):
                    for type_id in type_ids:
                        label = ASSOCIATIONS.describe(from_type, to_type, type_id).label
                        found.add((from_type, from_id, to_type, to_id, type_id, label))
    return found


def loaded_links(env: PipelineEnv, *, deleted: bool = False) -> set[tuple]:
    rows = env.query(
        "select from_object_type, from_id, to_object_type, to_id, association_type_id, "
        "association_label from raw_hubspot.associations where is_deleted = ?",
        [deleted],
    )
    return set(rows)


def test_full_load_brings_every_object_type_and_its_associations(
    hubspot_env: PipelineEnv, sandbox: Sandbox, crm: CrmStore, capsys: pytest.CaptureFixture
) -> None:
    assert load() == 0
    summary = capsys.readouterr().out
    assert "raw_hubspot" in summary and "engagements" in summary

    engagements = sum(len(crm.ids(t)) for t in ENGAGEMENT_TYPES)
    links = expected_links(crm)
    assert hubspot_env.row_counts("raw_hubspot") == {
        "associations": len(links),
        "companies": 20,
        "contacts": 160,
        "engagements": engagements,
    }
    per_type = dict(
        hubspot_env.query(
            "select engagement_type, count(*) from raw_hubspot.engagements group by 1"
        )
    )
    assert per_type == {t[:-1]: len(crm.ids(t)) for t in ENGAGEMENT_TYPES}
    assert loaded_links(hubspot_env) == links
    assert hubspot_env.query(
        "select count(*) from raw_hubspot.contacts where is_deleted or deleted_at is not null"
    ) == [(0,)]

    # the list endpoint, 100 a page, live records only
    calls = requests_by_endpoint(sandbox)
    for object_type in ("contacts", "companies", *ENGAGEMENT_TYPES):
        pages = math.ceil(len(crm.ids(object_type)) / 100)
        assert calls[("GET", f"/crm/v3/objects/{object_type}")] == pages, object_type
    lists = [
        e for e in sandbox.log.entries("hubspot") if e.method == "GET" and "/objects/" in e.path
    ]
    assert all("limit=100" in e.query for e in lists)


def test_properties_are_typed_from_their_definitions(
    hubspot_env: PipelineEnv, crm: CrmStore
) -> None:
    assert load() == 0
    contacts = hubspot_env.columns("raw_hubspot", "contacts")
    assert {k: contacts[k] for k in ("id", "is_deleted", "created_at", "deleted_at")} == {
        "id": "VARCHAR",
        "is_deleted": "BOOLEAN",
        "created_at": "TIMESTAMP WITH TIME ZONE",
        "deleted_at": "TIMESTAMP WITH TIME ZONE",
    }
    assert {
        k: contacts[k]
        for k in (
            "email",
            "met_via",
            "relationship_strength",
            "newsletter_opt_in",
            "next_catch_up",
            "lastmodifieddate",
            "hs_merged_object_ids",
        )
    } == {
        "email": "VARCHAR",
        "met_via": "VARCHAR",
        "relationship_strength": "DOUBLE",
        "newsletter_opt_in": "BOOLEAN",
        "next_catch_up": "DATE",
        "lastmodifieddate": "TIMESTAMP WITH TIME ZONE",
        "hs_merged_object_ids": "JSON",
    }
    engagements = hubspot_env.columns("raw_hubspot", "engagements")
    assert engagements["hs_call_duration"] == "DOUBLE"
    assert engagements["hs_timestamp"] == "TIMESTAMP WITH TIME ZONE"
    assert engagements["engagement_type"] == "VARCHAR"
    assert hubspot_env.columns("raw_hubspot", "companies")["numberofemployees"] == "DOUBLE"
    assert hubspot_env.columns("raw_hubspot", "associations")["association_type_id"] == "BIGINT"

    rows = hubspot_env.query(
        "select id, email, relationship_strength, newsletter_opt_in, next_catch_up, "
        "epoch_ms(lastmodifieddate) from raw_hubspot.contacts"
    )
    for object_id, email, strength, opt_in, catch_up, modified in rows:
        source = crm.record("contacts", object_id).properties
        assert email == source["email"]
        assert strength == (
            float(source["relationship_strength"]) if source["relationship_strength"] else None
        )
        assert opt_in is (source["newsletter_opt_in"] == "true")
        assert catch_up == (
            date.fromisoformat(source["next_catch_up"]) if source["next_catch_up"] else None
        )
        assert modified == int(crm.record("contacts", object_id).updated_at.timestamp() * 1000)
    assert any(strength is None for _, _, strength, *_ in rows)  # "" became null


def test_custom_properties_added_later_become_typed_columns(
    hubspot_env: PipelineEnv, crm: CrmStore
) -> None:
    assert load() == 0
    crm.define_property(
        "contacts", "favourite_food", "enumeration", "checkbox", options=["pizza", "sushi", "ramen"]
    )
    crm.define_property("contacts", "last_met", "datetime", "date")
    someone = crm.ids("contacts")[10]
    crm.edit("contacts", someone, favourite_food="pizza;ramen", last_met="1572480000000")
    assert load() == 0
    columns = hubspot_env.columns("raw_hubspot", "contacts")
    assert (columns["favourite_food"], columns["last_met"]) == ("JSON", "TIMESTAMP WITH TIME ZONE")
    ((food, met),) = hubspot_env.query(
        "select favourite_food, epoch_ms(last_met) from raw_hubspot.contacts where id = ?",
        [someone],
    )
    assert json.loads(food) == ["pizza", "ramen"] and met == 1572480000000


def test_hundreds_of_properties_never_make_an_overlong_url(
    hubspot_env: PipelineEnv, sandbox: Sandbox, crm: CrmStore
) -> None:
    names = [f"survey_answer_with_a_long_descriptive_name_{i:03d}" for i in range(350)]
    for name in names:
        crm.define_property("contacts", name)
    someone = crm.ids("contacts")[42]
    crm.edit("contacts", someone, {names[0]: "first", names[-1]: "last"})
    assert load() == 0
    assert not [e for e in sandbox.log.entries("hubspot") if e.status == 414]
    assert max(len(e.path) + len(e.query) for e in sandbox.log.entries("hubspot")) < 4000
    calls = requests_by_endpoint(sandbox)
    assert calls[("POST", "/crm/v3/objects/contacts/batch/read")] == 2  # the rest of each page
    ((first, last),) = hubspot_env.query(
        f"select {names[0]}, {names[-1]} from raw_hubspot.contacts where id = ?", [someone]
    )
    assert (first, last) == ("first", "last")
    crm.edit("contacts", someone, {names[-1]: "changed"})
    assert load() == 0  # the search endpoint carries the properties in its body
    assert hubspot_env.query(
        f"select {names[-1]} from raw_hubspot.contacts where id = ?", [someone]
    ) == [("changed",)]


def test_deals_are_added_by_configuration_alone(
    hubspot_env: PipelineEnv, crm: CrmStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__HUBSPOT__OBJECTS", '["contacts", "companies", "deals"]')
    assert load() == 0
    assert hubspot_env.row_counts("raw_hubspot")["deals"] == len(crm.ids("deals")) == 4
    assert hubspot_env.columns("raw_hubspot", "deals")["amount"] == "DOUBLE"
    linked = {**LINKED, "deals": ("contacts", "companies")}
    assert loaded_links(hubspot_env) == expected_links(crm, linked)
    deal = crm.ids("deals")[0]
    crm.edit("deals", deal, dealstage="closedwon")
    assert load() == 0
    assert hubspot_env.query("select dealstage from raw_hubspot.deals where id = ?", [deal]) == [
        ("closedwon",)
    ]


def test_an_unknown_object_type_is_a_settings_error(
    hubspot_env: PipelineEnv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("SOURCES__HUBSPOT__OBJECTS", '["contacts", "sprockets"]')
    assert load() == 2
    error = capsys.readouterr().err
    assert "sprockets" in error and "SOURCES__HUBSPOT__OBJECTS" in error
