"""The HubSpot stand-in, driven through the official hubspot-api-client like the real API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime

import hubspot
import pytest
from hubspot.crm.associations.v4 import BatchInputPublicFetchAssociationsBatchRequest
from hubspot.crm.contacts import PublicMergeInput
from hubspot.crm.objects import (
    BatchReadInputSimplePublicObjectId,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.objects.exceptions import ApiException, NotFoundException, UnauthorizedException

from sandbox import Sandbox
from sandbox.hubspot import ACCESS_TOKEN
from sandbox.hubspot.store import CrmStore, iso, to_ms


def _search(hubspot_sdk: hubspot.HubSpot, object_type: str = "contacts", **body) -> object:
    return hubspot_sdk.crm.objects.search_api.do_search(
        object_type, PublicObjectSearchRequest(**body)
    )


def _raw(sandbox: Sandbox, path: str, *, token: str = ACCESS_TOKEN) -> tuple[int, dict, object]:
    request = urllib.request.Request(
        sandbox.url("hubspot") + path, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            body: object = json.loads(payload)
        except ValueError:
            body = payload.decode()
        return error.code, dict(error.headers), body


def _error_body(error: ApiException) -> dict:
    return json.loads(error.body)


# -- list ---------------------------------------------------------------------------------


def test_list_pages_with_after_and_omits_paging_on_the_last_page(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    first = hubspot_sdk.crm.objects.basic_api.get_page("contacts")
    assert len(first.results) == 10  # the documented default page size
    assert first.paging.next.after

    pages = []
    after = None
    while True:
        page = hubspot_sdk.crm.objects.basic_api.get_page("contacts", limit=100, after=after)
        pages.append(page)
        if page.paging is None:
            break
        after = page.paging.next.after
    assert [len(p.results) for p in pages] == [100, 60]
    everyone = hubspot_sdk.crm.contacts.get_all()
    assert [c.id for c in everyone] == crm.ids("contacts")
    assert sorted(c.id for p in pages for c in p.results) == sorted(crm.ids("contacts"))


def test_list_rejects_more_than_100_per_page(hubspot_sdk: hubspot.HubSpot) -> None:
    with pytest.raises(ApiException) as caught:
        hubspot_sdk.crm.objects.basic_api.get_page("contacts", limit=101)
    assert caught.value.status == 400
    assert _error_body(caught.value)["category"] == "VALIDATION_ERROR"


def test_properties_may_be_repeated_or_a_comma_list(sandbox: Sandbox, crm: CrmStore) -> None:
    _, _, repeated = _raw(
        sandbox, "/crm/v3/objects/contacts?limit=2&properties=email&properties=met_via"
    )
    _, _, commas = _raw(sandbox, "/crm/v3/objects/contacts?limit=2&properties=email,met_via")
    assert repeated == commas
    first = repeated["results"][0]
    assert set(first["properties"]) == {"email", "met_via"}
    assert first["properties"]["email"] == crm.record("contacts", first["id"]).properties["email"]


def test_archived_records_are_listed_only_under_archived_true(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    gone = crm.ids("companies")[3]
    crm.archive("companies", gone)
    live = hubspot_sdk.crm.objects.get_all("companies")
    archived = hubspot_sdk.crm.objects.basic_api.get_page("companies", archived=True)
    assert gone not in {c.id for c in live}
    assert [c.id for c in archived.results] == [gone]
    assert archived.results[0].archived is True
    assert archived.results[0].archived_at is not None
    assert archived.paging is None


def test_list_can_include_associations(hubspot_sdk: hubspot.HubSpot, crm: CrmStore) -> None:
    contact = crm.ids("contacts")[0]
    page = hubspot_sdk.crm.objects.basic_api.get_page(
        "contacts", limit=1, associations=["companies"]
    )
    links = page.results[0].associations["companies"].results
    ((company, types),) = crm.visible_links("contacts", contact, "companies")
    assert {(link.id, link.type) for link in links} == {
        (company, "contact_to_company"),
        (company, "contact_to_company_unlabeled"),
    }
    assert types == [1, 279]


# -- values -------------------------------------------------------------------------------


def test_property_values_are_strings_typed_by_format(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    names = ["newsletter_opt_in", "next_catch_up", "createdate", "relationship_strength"]
    contacts = hubspot_sdk.crm.contacts.get_all(properties=names)
    values = {name: [c.properties[name] for c in contacts] for name in names}
    assert set(values["newsletter_opt_in"]) == {"true", "false"}
    dates = [v for v in values["next_catch_up"] if v]
    assert dates and all(len(v) == 10 and v[4] == "-" and v[7] == "-" for v in dates)
    assert all(v.endswith("Z") and "T" in v for v in values["createdate"])
    assert "" in values["relationship_strength"]  # a cleared value comes back empty
    assert all(isinstance(v, str) for v in values["relationship_strength"] if v is not None)


# -- search -------------------------------------------------------------------------------


def test_search_filters_by_type_with_every_documented_operator(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    contacts = [crm.record("contacts", i) for i in crm.ids("contacts")]

    def ids(*filters: dict, limit: int = 200) -> set[str]:
        found = _search(hubspot_sdk, filter_groups=[{"filters": list(filters)}], limit=limit)
        return {c.id for c in found.results}

    def strength(c) -> float | None:
        raw = c.properties["relationship_strength"]
        return float(raw) if raw else None

    between = {c.id for c in contacts if strength(c) is not None and 3 <= strength(c) <= 5}
    assert (
        ids(
            {
                "propertyName": "relationship_strength",
                "operator": "BETWEEN",
                "value": "3",
                "highValue": "5",
            }
        )
        == between
    )
    assert ids({"propertyName": "relationship_strength", "operator": "GTE", "value": "9"}) == {
        c.id for c in contacts if (strength(c) or 0) >= 9
    }
    assert ids({"propertyName": "met_via", "operator": "IN", "values": ["school", "family"]}) == {
        c.id for c in contacts if c.properties["met_via"] in ("school", "family")
    }
    assert ids({"propertyName": "hs_lead_status", "operator": "HAS_PROPERTY"}) == {
        c.id for c in contacts if c.properties["hs_lead_status"]
    }
    someone = contacts[7]
    assert ids(
        {"propertyName": "email", "operator": "EQ", "value": someone.properties["email"].upper()}
    ) == {someone.id}

    middle = sorted(to_ms(c.updated_at) for c in contacts)[80]
    as_iso = iso(datetime.fromtimestamp(middle / 1000, UTC))
    late = {c.id for c in contacts if to_ms(c.updated_at) >= middle}
    assert (
        ids({"propertyName": "lastmodifieddate", "operator": "GTE", "value": str(middle)}) == late
    )
    assert ids({"propertyName": "lastmodifieddate", "operator": "GTE", "value": as_iso}) == late
    assert ids({"propertyName": "lastmodifieddate", "operator": "LTE", "value": str(middle)}) == {
        c.id for c in contacts if to_ms(c.updated_at) <= middle
    }


def test_search_groups_are_ored_and_filters_anded(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    contacts = [crm.record("contacts", i) for i in crm.ids("contacts")]
    result = _search(
        hubspot_sdk,
        filter_groups=[
            {
                "filters": [
                    {"propertyName": "met_via", "operator": "EQ", "value": "school"},
                    {"propertyName": "newsletter_opt_in", "operator": "EQ", "value": "true"},
                ]
            },
            {
                "filters": [
                    {"propertyName": "lifecyclestage", "operator": "EQ", "value": "evangelist"}
                ]
            },
        ],
        limit=200,
    )
    expected = {
        c.id
        for c in contacts
        if (c.properties["met_via"] == "school" and c.properties["newsletter_opt_in"] == "true")
        or c.properties["lifecyclestage"] == "evangelist"
    }
    assert {c.id for c in result.results} == expected
    assert result.total == len(expected)


def test_search_sorts_in_both_forms_and_pages_with_total(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    by_object = _search(
        hubspot_sdk,
        sorts=[{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}],
        limit=5,
        properties=["lastmodifieddate"],
    )
    by_string = _search(
        hubspot_sdk, sorts=["-lastmodifieddate"], limit=5, properties=["lastmodifieddate"]
    )
    newest = sorted(crm.live_records("contacts"), key=lambda c: c.updated_at, reverse=True)[:5]
    assert [c.id for c in by_object.results] == [c.id for c in newest]
    assert [c.id for c in by_string.results] == [c.id for c in newest]
    assert by_object.total == 160
    assert by_object.paging.next.after == "5"
    last = _search(hubspot_sdk, sorts=["lastmodifieddate"], limit=200, after="150")
    assert len(last.results) == 10 and last.paging is None


def test_search_rejects_large_pages_and_paging_past_ten_thousand(
    hubspot_sdk: hubspot.HubSpot,
) -> None:
    for body in ({"limit": 201}, {"limit": 100, "after": "10000"}):
        with pytest.raises(ApiException) as caught:
            _search(hubspot_sdk, **body)
        assert caught.value.status == 400
        error = _error_body(caught.value)
        assert error["status"] == "error" and error["category"] == "VALIDATION_ERROR"
        assert error["message"] and error["correlationId"]


def test_search_never_returns_archived_or_merged_records(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    first, second, third = crm.ids("contacts")[:3]
    crm.archive("contacts", first)
    crm.merge_contacts(third, second)
    found = {c.id for c in hubspot_sdk.crm.contacts.get_all()}
    searched = _search(hubspot_sdk, limit=200)
    assert {c.id for c in searched.results} == found
    assert first not in found and second not in found and third in found
    assert searched.total == 158


# -- single objects, batch read, merges -------------------------------------------------


def test_get_by_id_and_a_merged_away_id_returns_the_survivor(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    keep, absorb, other = crm.ids("contacts")[:3]
    crm.edit("contacts", keep, firstname="Primary")
    survivor = crm.merge_contacts(keep, absorb)
    crm.merge_contacts(keep, other)
    fetched = hubspot_sdk.crm.objects.basic_api.get_by_id(
        "contacts", absorb, properties=["firstname", "hs_merged_object_ids", "lastmodifieddate"]
    )
    assert fetched.id == keep
    assert fetched.properties["firstname"] == "Primary"
    assert fetched.properties["hs_merged_object_ids"] == f"{absorb};{other}"
    assert fetched.properties["lastmodifieddate"] == iso(survivor.updated_at)
    with pytest.raises(NotFoundException):
        hubspot_sdk.crm.objects.basic_api.get_by_id("contacts", "999999")


def test_batch_read_reports_missing_ids_as_multi_status(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    present = crm.ids("contacts")[:2]
    request = BatchReadInputSimplePublicObjectId(
        inputs=[{"id": i} for i in [*present, "424242"]],
        properties=["email"],
        properties_with_history=[],
    )
    result = hubspot_sdk.crm.objects.batch_api.read("contacts", request)
    assert sorted(r.id for r in result.results) == sorted(present)
    assert result.num_errors == 1
    assert result.errors[0].category == "OBJECT_NOT_FOUND"
    assert result.errors[0].context == {"ids": ["424242"]}


# -- properties ---------------------------------------------------------------------------


def test_properties_carry_every_field_the_sdk_requires(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    crm.define_property(
        "contacts", "favourite_food", "enumeration", "checkbox", options=["pizza", "sushi"]
    )
    props = {p.name: p for p in hubspot_sdk.crm.properties.core_api.get_all("contacts").results}
    assert {
        "email",
        "lastmodifieddate",
        "relationship_strength",
        "met_via",
        "newsletter_opt_in",
        "next_catch_up",
    } <= set(props)
    assert (props["relationship_strength"].type, props["relationship_strength"].field_type) == (
        "number",
        "number",
    )
    assert (props["newsletter_opt_in"].type, props["newsletter_opt_in"].field_type) == (
        "bool",
        "booleancheckbox",
    )
    assert (props["next_catch_up"].type, props["lastmodifieddate"].type) == ("date", "datetime")
    assert props["email"].hubspot_defined is True and props["met_via"].hubspot_defined is None
    food = props["favourite_food"]
    assert (food.type, food.field_type) == ("enumeration", "checkbox")
    assert [o.value for o in food.options] == ["pizza", "sushi"]
    for prop in props.values():
        assert prop.group_name and prop.label and prop.description is not None


# -- associations v4 -----------------------------------------------------------------------


def test_associations_v4_read_one_object_and_a_batch(
    hubspot_sdk: hubspot.HubSpot, crm: CrmStore
) -> None:
    contact = crm.ids("contacts")[5]
    page = hubspot_sdk.crm.associations.v4.basic_api.get_page("contacts", contact, "companies")
    (link,) = page.results
    assert [(t.type_id, t.label, t.category) for t in link.association_types] == [
        (1, "Primary", "HUBSPOT_DEFINED"),
        (279, None, "HUBSPOT_DEFINED"),
    ]
    call = crm.ids("calls")[0]
    lonely = crm.create("calls", {"hs_call_title": "No one"}).id
    batch = hubspot_sdk.crm.associations.v4.batch_api.get_page(
        "calls",
        "contacts",
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[{"id": call}, {"id": lonely}]),
    )
    (result,) = batch.results
    assert result._from.id == call
    assert {t.to_object_id for t in result.to} == {
        i for i, _ in crm.visible_links("calls", call, "contacts")
    }
    assert {kind.type_id for t in result.to for kind in t.association_types} == {194}
    (error,) = batch.errors
    assert error.sub_category == "crm.associations.NO_ASSOCIATIONS_FOUND"
    assert error.context["fromObjectId"] == [lonely]


def test_link_changes_remove_both_directions_and_stamp_neither_record(crm: CrmStore) -> None:
    call = crm.ids("calls")[0]
    (contact, _), *_ = crm.visible_links("calls", call, "contacts")
    ends = (("calls", call, "hs_lastmodifieddate"), ("contacts", contact, "lastmodifieddate"))

    def stamps() -> list[tuple]:
        return [
            (crm.record(t, i).updated_at, crm.record(t, i).properties[name]) for t, i, name in ends
        ]

    before = stamps()
    assert crm.dissociate("calls", call, "contacts", contact)
    assert call not in {i for i, _ in crm.visible_links("contacts", contact, "calls")}
    assert contact not in {i for i, _ in crm.visible_links("calls", call, "contacts")}
    crm.associate("calls", call, "companies", crm.ids("companies")[-1])
    # undocumented for the real API, so the sandbox takes the harder case: no stamp
    assert stamps() == before


# -- errors and limits ------------------------------------------------------------------------


def test_a_wrong_token_gets_invalid_authentication(sandbox: Sandbox) -> None:
    client = hubspot.HubSpot(access_token="pat-na1-wrong", host=sandbox.url("hubspot"))
    with pytest.raises(UnauthorizedException) as caught:
        client.crm.objects.basic_api.get_page("contacts")
    body = _error_body(caught.value)
    assert body["category"] == "INVALID_AUTHENTICATION" and body["status"] == "error"


def test_enforced_limits_answer_429_in_hubspot_shapes(
    hubspot_sdk: hubspot.HubSpot, sandbox: Sandbox
) -> None:
    sandbox.enforce_rate_limits(True, {"hubspot"})
    statuses = []
    for _ in range(6):
        try:
            _search(hubspot_sdk, limit=1)
            statuses.append(200)
        except ApiException as error:
            statuses.append(error.status)
            refused = error
    assert statuses == [200] * 5 + [429]  # search: five a second
    assert _error_body(refused)["message"] == "You have reached your secondly limit."
    assert int(refused.headers["Retry-After"]) >= 1
    hubspot_sdk.crm.objects.basic_api.get_page(
        "contacts", limit=1
    )  # other endpoints have their own budget


def test_injected_faults_use_hubspot_error_shapes(sandbox: Sandbox) -> None:
    sandbox.inject_faults(1.0, kinds=("429",), apis={"hubspot"})
    status, _, body = _raw(sandbox, "/crm/v3/objects/contacts")
    assert status == 429 and body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert body["errorType"] == "RATE_LIMIT"
    sandbox.inject_faults(1.0, kinds=("5xx",), apis={"hubspot"}, seed=1)
    seen = {}
    for _ in range(12):
        status, headers, body = _raw(sandbox, "/crm/v3/objects/contacts")
        seen[status] = (headers.get("Content-Type", ""), body)
    assert set(seen) <= {500, 502, 503} and 500 in seen and len(seen) > 1
    assert seen[500][1]["status"] == "error"
    assert any("text/html" in kind for status, (kind, _) in seen.items() if status != 500)


def test_overlong_urls_are_refused_with_414(hubspot_sdk: hubspot.HubSpot) -> None:
    names = [f"custom_property_with_a_rather_long_name_{i}" for i in range(300)]
    with pytest.raises(ApiException) as caught:
        hubspot_sdk.crm.objects.basic_api.get_page("contacts", properties=names)
    assert caught.value.status == 414


# -- mutation helpers ------------------------------------------------------------------------


def test_edits_stamp_the_last_modified_property_from_the_sandbox_clock(
    sandbox: Sandbox, crm: CrmStore
) -> None:
    frozen = sandbox.clock.freeze(datetime(2027, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))
    company = crm.edit("companies", crm.ids("companies")[0], city="Porto")
    assert company.properties["hs_lastmodifieddate"] == "2027-01-02T03:04:05.678Z"
    again = crm.edit("companies", company.id, city="Faro")
    assert to_ms(again.updated_at) == to_ms(frozen) + 1  # never the same stamp twice
    with pytest.raises(KeyError, match="does not exist"):
        crm.edit("companies", company.id, no_such_property="x")


def test_bulk_helpers_create_and_touch_many_records(crm: CrmStore) -> None:
    ids = crm.create_many("contacts", 2_000, step_ms=0)
    stamps = {crm.record("contacts", i).properties["lastmodifieddate"] for i in ids}
    assert len(ids) == 2_000 and len(stamps) == 1
    touched = crm.touch("contacts", count=300, step_ms=1)
    assert len({crm.record("contacts", i).updated_at for i in touched}) == 300


def test_writes_over_http_for_demos(hubspot_sdk: hubspot.HubSpot, crm: CrmStore) -> None:
    objects = hubspot_sdk.crm.objects.basic_api
    made = objects.create(
        "contacts",
        SimplePublicObjectInputForCreate(properties={"email": "demo@example.org"}, associations=[]),
    )
    assert crm.record("contacts", made.id).properties["email"] == "demo@example.org"
    objects.update("contacts", made.id, SimplePublicObjectInput(properties={"jobtitle": "Demo"}))
    assert crm.record("contacts", made.id).properties["jobtitle"] == "Demo"

    company = crm.ids("companies")[0]
    hubspot_sdk.crm.associations.v4.basic_api.create_default(
        "contacts", made.id, "companies", company
    )
    assert crm.visible_links("contacts", made.id, "companies") == [(company, [279])]
    hubspot_sdk.crm.associations.v4.basic_api.archive("contacts", made.id, "companies", company)
    assert crm.visible_links("contacts", made.id, "companies") == []

    other = crm.ids("contacts")[0]
    hubspot_sdk.crm.contacts.basic_api.merge(
        PublicMergeInput(primary_object_id=other, object_id_to_merge=made.id)
    )
    assert crm.record("contacts", made.id).merged_into == other
    objects.archive("contacts", other)
    assert crm.record("contacts", other).archived_at is not None
