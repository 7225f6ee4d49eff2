"""The sandbox People API as the official client sees it (google-api-python-client)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from sandbox import Sandbox
from sandbox.google_people import ContactsStore

from .conftest import people_service

FIELDS = "names,emailAddresses,phoneNumbers,organizations,birthdays,memberships,metadata"


def listing(service, **params):
    params = {"resourceName": "people/me", "personFields": FIELDS, **params}
    return service.people().connections().list(**params)


def all_pages(service, **params) -> list[dict]:
    pages, request = [], listing(service, **params)
    while request is not None:
        response = request.execute()
        pages.append(response)
        request = service.people().connections().list_next(request, response)
    return pages


def error_body(error: HttpError) -> dict:
    return json.loads(error.content)["error"]


def full_sync_token(service) -> str:
    return all_pages(service, pageSize=1000, requestSyncToken=True)[-1]["nextSyncToken"]


def test_list_next_pages_through_everyone(service) -> None:
    pages = all_pages(service, pageSize=64, requestSyncToken=True)
    assert [len(p["connections"]) for p in pages] == [64, 64, 64, 64, 44]
    assert all(p["totalItems"] == p["totalPeople"] == 300 for p in pages)
    assert ["nextPageToken" in p for p in pages] == [True] * 4 + [False]
    assert ["nextSyncToken" in p for p in pages] == [False] * 4 + [True]
    names = {c["resourceName"] for p in pages for c in p["connections"]}
    assert len(names) == 300 and all(n.startswith("people/c") for n in names)


def test_default_order_is_last_modified_ascending(service) -> None:
    people = all_pages(service, pageSize=1000)[0]["connections"]
    times = [p["metadata"]["sources"][0]["updateTime"] for p in people]
    assert times == sorted(times)
    assert len(people) == 300  # pageSize up to 1000 is honoured


def test_default_page_size_is_100_and_no_sync_token_unless_requested(service) -> None:
    pages = all_pages(service)
    assert [len(p["connections"]) for p in pages] == [100, 100, 100]
    assert not any("nextSyncToken" in p for p in pages)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"personFields": None}, "personFields mask is required"),
        ({"personFields": "names,shoeSize"}, 'Invalid personFields mask path: "shoeSize"'),
        ({"pageSize": 1001}, "Page size must be between 1 and 1000"),
        ({"resourceName": "people/c123"}, "Resource name must be people/me"),
    ],
)
def test_bad_requests_are_invalid_argument(service, params, message) -> None:
    with pytest.raises(HttpError) as caught:
        listing(service, **params).execute()
    assert caught.value.resp.status == 400
    body = error_body(caught.value)
    assert body["status"] == "INVALID_ARGUMENT" and body["code"] == 400
    assert body["message"].startswith(message)


def test_page_token_requires_the_first_calls_parameters(service) -> None:
    first = listing(service, pageSize=50).execute()
    with pytest.raises(HttpError) as caught:
        listing(
            service, pageSize=50, personFields="names", pageToken=first["nextPageToken"]
        ).execute()
    assert caught.value.resp.status == 400
    assert error_body(caught.value)["status"] == "INVALID_ARGUMENT"


def test_sync_token_returns_edits_additions_and_deletions(
    service, contacts_store: ContactsStore
) -> None:
    token = full_sync_token(service)
    edited, deleted = contacts_store.resource_names()[:2]
    contacts_store.edit_person(edited, job_title="Chief Tinkerer")
    added = contacts_store.add_person("Ada", "Byron", emails=["ada@byron.example"])
    contacts_store.delete_person(deleted)

    page = listing(service, pageSize=1000, requestSyncToken=True, syncToken=token).execute()
    changed = {p["resourceName"]: p for p in page["connections"]}
    assert set(changed) == {edited, added, deleted}
    assert changed[edited]["organizations"][0]["title"] == "Chief Tinkerer"
    gone = changed[deleted]
    assert set(gone) == {"resourceName", "etag", "metadata"}
    assert set(gone["metadata"]) == {"sources", "deleted"} and gone["metadata"]["deleted"] is True
    assert gone["metadata"]["sources"][0]["updateTime"].endswith("Z")
    assert "nextSyncToken" in page and "nextPageToken" not in page

    quiet = listing(service, pageSize=1000, requestSyncToken=True, syncToken=page["nextSyncToken"])
    response = quiet.execute()
    assert "connections" not in response and "nextSyncToken" in response


@pytest.mark.parametrize(
    "changed", [{"personFields": "names"}, {"pageSize": 500}, {"sortOrder": "FIRST_NAME_ASCENDING"}]
)
def test_sync_token_requires_the_first_calls_parameters(service, changed) -> None:
    token = full_sync_token(service)  # pageSize=1000
    params = {"pageSize": 1000, "requestSyncToken": True, "syncToken": token, **changed}
    with pytest.raises(HttpError) as caught:
        listing(service, **params).execute()
    assert caught.value.resp.status == 400
    assert error_body(caught.value)["status"] == "INVALID_ARGUMENT"


EXPIRED = {
    "code": 400,
    "message": "Sync token is expired. Clear local cache and retry call without the sync token.",
    "status": "FAILED_PRECONDITION",
    "details": [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "EXPIRED_SYNC_TOKEN",
            "domain": "people.googleapis.com",
        }
    ],
}


def test_sync_tokens_expire_seven_days_after_the_full_sync(
    service, sandbox: Sandbox, contacts_store: ContactsStore
) -> None:
    token = full_sync_token(service)
    sandbox.clock.advance(days=6)
    changes = listing(service, pageSize=1000, requestSyncToken=True, syncToken=token)
    token = changes.execute()["nextSyncToken"]
    sandbox.clock.advance(days=1, minutes=1)  # 7 days after the full sync, 1 after the last
    with pytest.raises(HttpError) as caught:
        listing(service, pageSize=1000, requestSyncToken=True, syncToken=token).execute()
    assert caught.value.resp.status == 400
    assert error_body(caught.value) == EXPIRED


def test_expire_helper_expires_every_token_at_once(service, contacts_store: ContactsStore) -> None:
    token = full_sync_token(service)
    contacts_store.expire_sync_tokens()
    with pytest.raises(HttpError) as caught:
        listing(service, pageSize=1000, requestSyncToken=True, syncToken=token).execute()
    assert error_body(caught.value) == EXPIRED
    assert full_sync_token(service)  # a new full sync starts a fresh chain


def test_expired_access_token_gets_401_and_the_client_refreshes(service, sandbox: Sandbox) -> None:
    listing(service, pageSize=1).execute()
    sandbox.clock.advance(hours=2)  # past expires_in; the client still believes it valid
    assert len(listing(service, pageSize=1).execute()["connections"]) == 1
    calls = [(e.method, e.path, e.status) for e in sandbox.log.entries()]
    assert calls == [
        ("POST", "/token", 200),
        ("GET", "/v1/people/me/connections", 200),
        ("GET", "/v1/people/me/connections", 401),
        ("POST", "/token", 200),
        ("GET", "/v1/people/me/connections", 200),
    ]


def test_401_body_is_unauthenticated(sandbox: Sandbox, google) -> None:
    request = urllib.request.Request(
        sandbox.url("google_people") + "/v1/people/me/connections?personFields=names",
        headers={"Authorization": "Bearer ya29.forged"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 401
    body = json.loads(caught.value.read())["error"]
    assert body["status"] == "UNAUTHENTICATED" and body["code"] == 401


def test_wrong_refresh_token_raises_refresh_error(sandbox: Sandbox, google) -> None:
    service = people_service(sandbox, refresh_token="1//not-the-right-one")
    with pytest.raises(RefreshError) as caught:
        listing(service).execute()
    assert caught.value.args[1] == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }
    assert [(e.path, e.status) for e in sandbox.log.entries()] == [("/token", 400)]


def test_wrong_client_secret_is_invalid_client(sandbox: Sandbox, google) -> None:
    service = people_service(sandbox, client_secret="not-the-secret")
    with pytest.raises(RefreshError) as caught:
        listing(service).execute()
    assert caught.value.args[1]["error"] == "invalid_client"
    assert sandbox.log.entries()[-1].status == 401


def test_revoked_refresh_token_is_invalid_grant(sandbox: Sandbox, google) -> None:
    sandbox.apis["google_oauth"].revoke_refresh_token()
    with pytest.raises(RefreshError) as caught:
        listing(people_service(sandbox)).execute()
    assert caught.value.args[1]["error"] == "invalid_grant"


def test_each_field_has_exactly_one_primary_item(service) -> None:
    people = listing(service, pageSize=1000).execute()["connections"]
    for person in people:
        for field in ("names", "emailAddresses", "phoneNumbers", "organizations", "birthdays"):
            items = person.get(field, [])
            if items:
                assert sum(bool(i["metadata"].get("primary")) for i in items) == 1
    primary_not_first = [
        p
        for p in people
        if len(p.get("emailAddresses", [])) > 1
        and not p["emailAddresses"][0]["metadata"].get("primary")
    ]
    assert primary_not_first  # the sample makes clients look for the flag


def test_birthdays_without_a_year_come_as_zero_or_absent(service) -> None:
    people = listing(service, pageSize=1000).execute()["connections"]
    dates = [b["date"] for p in people for b in p.get("birthdays", []) if "date" in b]
    assert any("year" not in d for d in dates)
    assert any(d.get("year") == 0 for d in dates)
    assert any(d.get("year", 0) > 1900 for d in dates)
    assert all(1 <= d["month"] <= 12 and 1 <= d["day"] <= 31 for d in dates)


def test_contact_groups_list_and_sync(service, contacts_store: ContactsStore) -> None:
    first = service.contactGroups().list().execute()
    groups = {g["resourceName"]: g for g in first["contactGroups"]}
    assert groups["contactGroups/myContacts"]["memberCount"] == 300
    assert {g["groupType"] for g in groups.values()} == {
        "SYSTEM_CONTACT_GROUP",
        "USER_CONTACT_GROUP",
    }
    people = listing(service, pageSize=1000).execute()["connections"]
    member_of = {
        m["contactGroupMembership"]["contactGroupResourceName"]
        for p in people
        for m in p["memberships"]
    }
    assert member_of <= set(groups)

    club = next(n for n, g in groups.items() if g["name"] == "Book club")
    contacts_store.delete_group(club)
    changes = service.contactGroups().list(syncToken=first["nextSyncToken"]).execute()
    assert changes["contactGroups"] == [
        {
            "resourceName": club,
            "etag": changes["contactGroups"][0]["etag"],
            "metadata": {
                "updateTime": changes["contactGroups"][0]["metadata"]["updateTime"],
                "deleted": True,
            },
        }
    ]


def test_documented_quota_answers_429_resource_exhausted(service, sandbox: Sandbox) -> None:
    sandbox.enforce_rate_limits(True, apis={"google_people"})
    for _ in range(60):
        listing(service, pageSize=1, personFields="names").execute()
    with pytest.raises(HttpError) as caught:
        listing(service, pageSize=1, personFields="names").execute()
    assert caught.value.resp.status == 429
    body = error_body(caught.value)
    assert body["status"] == "RESOURCE_EXHAUSTED"
    assert "Critical read requests" in body["message"]
    assert body["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"


def test_injected_server_errors_use_googles_shapes(service, sandbox: Sandbox) -> None:
    listing(service, pageSize=1).execute()  # holds a valid access token from here on
    sandbox.inject_faults(1.0, kinds=("5xx",), apis={"google_people"}, seed=4)
    seen = {}
    for _ in range(12):
        with pytest.raises(HttpError) as caught:
            listing(service, pageSize=1).execute()
        seen[caught.value.resp.status] = caught.value
    assert set(seen) == {500, 502, 503}
    assert error_body(seen[500])["status"] == "INTERNAL"
    assert error_body(seen[503])["status"] == "UNAVAILABLE"
    assert seen[502].resp["content-type"].startswith("text/html")
