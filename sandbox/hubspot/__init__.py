"""HubSpot CRM v3/v4 stand-in: objects, search, properties, associations, merges.

Served under `/hubspot`; point hubspot-api-client at it with
`HubSpot(access_token=ACCESS_TOKEN, host=sandbox.url("hubspot"))`.

Behaviour follows the documented API (shared api-notes). Where the documentation is
silent the sandbox makes these choices, each a plausible reading of the real service:

- Reading a merged-away contact's id (GET /objects/contacts/{id}) returns the contact
  it was merged into, under the survivor's id; merged-away contacts never appear in
  list, search, batch read or under `archived=true`.
- Changing an association does not touch either record's last-modified property
  (nothing documents that it does); a merge stamps only the surviving contact.
- Injected 429 faults answer with the ten-secondly body (the fault layer does not
  say which route failed); the enforced search limit answers with the secondly body.
- URLs longer than 8,000 characters get 414 (observed limits range 8-16 KB).
- Search sorts may be objects or strings; a string sorts ascending, "-name" descending.
- Ids are unique across all object types.

Test helpers live on `store` (a CrmStore): edit, create, archive, restore, purge,
merge_contacts, associate, dissociate, touch, create_many, define_property.
"""

from __future__ import annotations

import base64
import bisect
import threading
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from ..api import Api
from ..clock import Clock
from ..faults import RateLimit
from ..wire import HttpError, Request, Response
from .catalog import ASSOCIATIONS, SINGULAR, canonical_type, default_returned
from .sample import populate
from .search import SearchError, run_search
from .store import CrmRecord, CrmStore, iso

ACCESS_TOKEN = "pat-na1-sandbox-0000-0000-000000000000"

LIST_MAX_LIMIT = 100
LIST_DEFAULT_LIMIT = 10
BATCH_READ_MAX = 100
ASSOCIATION_BATCH_MAX = 1000
ASSOCIATION_PAGE = 500
MAX_URI_LENGTH = 8000

_AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
    "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


@dataclass
class PolicyLimit(RateLimit):
    """A documented limit that remembers, per thread, that it refused a request."""

    policy: str = "TEN_SECONDLY_ROLLING"
    tripped: threading.local | None = None

    def admit(self, now: float | None = None) -> float:
        wait = super().admit(now)
        if wait > 0 and self.tripped is not None:
            self.tripped.policy = self.policy
        return wait


class HubSpotApi(Api):
    name = "hubspot"
    prefix = "/hubspot"

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        self.store = CrmStore(clock)
        populate(self.store, seed, anchor)
        self._tripped = threading.local()
        self._burst = PolicyLimit(100, 10.0, policy="TEN_SECONDLY_ROLLING", tripped=self._tripped)
        self._daily = PolicyLimit(250_000, 86_400.0, policy="DAILY", tripped=self._tripped)
        self._search = PolicyLimit(5, 1.0, policy="SECONDLY", tripped=self._tripped)
        super().__init__(clock)

    def demo_changes(self) -> list[str]:
        """What a day in the CRM looks like; returns a line per change."""
        crm = self.store
        contacts = crm.ids("contacts")
        edited, archived, kept, merged = contacts[3], contacts[10], contacts[20], contacts[21]
        company = crm.ids("companies")[0]
        name = crm.record("contacts", edited).properties.get("firstname")
        crm.edit("contacts", edited, jobtitle="Head of Platform", hs_lead_status="CONNECTED")
        call = crm.create(
            "calls",
            {
                "hs_timestamp": self.clock.now().isoformat(timespec="milliseconds"),
                "hs_call_title": "Catch-up call",
                "hs_call_direction": "OUTBOUND",
                "hs_call_duration": 1_260_000,
            },
            associations=[("contacts", edited), ("companies", company)],
        )
        crm.archive("contacts", archived)
        crm.merge_contacts(kept, merged)
        unlinked = contacts[30]
        employer = crm.visible_links("contacts", unlinked, "companies")[0][0]
        crm.dissociate("contacts", unlinked, "companies", employer)
        return [
            f"HubSpot: {name} (contact {edited}) has a new job title and lead status",
            f"HubSpot: logged a 21-minute call {call.id} with contact {edited}",
            f"HubSpot: archived contact {archived}",
            f"HubSpot: merged contact {merged} into {kept}",
            f"HubSpot: unlinked contact {unlinked} from company {employer}",
        ]

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {
            "SOURCES__HUBSPOT__BASE_URL": base_url + self.prefix,
            "SOURCES__HUBSPOT__ACCESS_TOKEN": ACCESS_TOKEN,
        }

    # -- auth, limits and error shapes ------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        if request.bearer_token() == ACCESS_TOKEN:
            return None
        return _error(401, _AUTH_MESSAGE, "INVALID_AUTHENTICATION")

    def rate_limit_for(self, request: Request) -> list[RateLimit]:
        if request.method == "POST" and request.path.endswith("/search"):
            return [self._search]  # search is exempt from the ten-secondly limit
        return [self._burst, self._daily]

    def rate_limited(self, retry_after: int) -> Response:
        policy = getattr(self._tripped, "policy", None) or "TEN_SECONDLY_ROLLING"
        self._tripped.policy = None
        headers = {"Retry-After": str(retry_after)} if retry_after > 0 else {}
        if policy == "TEN_SECONDLY_ROLLING":
            headers |= {
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                "X-HubSpot-RateLimit-Max": "100",
                "X-HubSpot-RateLimit-Remaining": "0",
            }
        return Response(429, _rate_limit_body(policy), headers)

    def server_error(self, status: int) -> Response:
        if status == 500:
            return _error(500, "internal error", "INTERNAL_ERROR")
        reason = {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Error")
        page = f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"
        return Response(status, page, {"Content-Type": "text/html"})

    def not_found(self, request: Request) -> Response:
        return Response(
            404,
            {
                "status": "error",
                "message": "resource not found",
                "correlationId": str(uuid.uuid4()),
            },
        )

    def bad_request(self, message: str) -> Response:
        return _error(400, message, "VALIDATION_ERROR")

    def handle(self, request: Request) -> Response:
        uri = len(self.prefix) + len(request.path) + 1 + len(urlencode(request.query, doseq=True))
        if uri > MAX_URI_LENGTH:
            page = "<html><head><title>414 Request-URI Too Large</title></head><body></body></html>"
            return Response(414, page, {"Content-Type": "text/html"})
        return super().handle(request)

    # -- routes -------------------------------------------------------------------------
    def register_routes(self) -> None:
        route = self.router.route
        route("GET", "/crm/v3/properties/{object_type}")(self.list_properties)
        route("GET", "/crm/v3/properties/{object_type}/{property_name}")(self.get_property)
        route("GET", "/crm/v3/objects/{object_type}")(self.list_objects)
        route("POST", "/crm/v3/objects/{object_type}")(self.create_object)
        route("POST", "/crm/v3/objects/{object_type}/search")(self.search_objects)
        route("POST", "/crm/v3/objects/{object_type}/batch/read")(self.batch_read)
        route("POST", "/crm/v3/objects/{object_type}/merge")(self.merge)
        route("GET", "/crm/v3/objects/{object_type}/{object_id}")(self.get_object)
        route("PATCH", "/crm/v3/objects/{object_type}/{object_id}")(self.update_object)
        route("DELETE", "/crm/v3/objects/{object_type}/{object_id}")(self.archive_object)
        route("GET", "/crm/v4/objects/{object_type}/{object_id}/associations/{to_type}")(
            self.list_associations
        )
        route(
            "PUT",
            "/crm/v4/objects/{object_type}/{object_id}/associations/default/{to_type}/{to_id}",
        )(self.associate_default)
        route("DELETE", "/crm/v4/objects/{object_type}/{object_id}/associations/{to_type}/{to_id}")(
            self.remove_association
        )
        route("POST", "/crm/v4/associations/{object_type}/{to_type}/batch/read")(
            self.batch_read_associations
        )

    # -- properties ---------------------------------------------------------------------
    def list_properties(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        archived = _flag(request.arg("archived"))
        return Response(200, {"results": [] if archived else self.store.definitions(object_type)})

    def get_property(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        name = request.params["property_name"]
        for definition in self.store.definitions(object_type):
            if definition["name"] == name:
                return Response(200, definition)
        raise HttpError(_error(404, f"Unable to find property {name}", "OBJECT_NOT_FOUND"))

    # -- objects --------------------------------------------------------------------------
    def list_objects(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        limit = _limit(request.arg("limit"), LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT)
        archived = _flag(request.arg("archived"))
        names = request.args("properties") or list(default_returned(object_type))
        with_links = [self._type(t) for t in request.args("associations")]
        records = (
            self.store.archived_records(object_type)
            if archived
            else self.store.live_records(object_type)
        )
        start = bisect.bisect_left(
            [int(r.id) for r in records], _decode_after(request.arg("after"))
        )
        page = records[start : start + limit]
        body: dict[str, Any] = {"results": [self._wire(r, names, with_links) for r in page]}
        if start + limit < len(records):
            after = _encode_after(records[start + limit].id)
            host = request.headers.get("host", "api.hubapi.com")
            link = f"http://{host}{self.prefix}/crm/v3/objects/{object_type}?after={after}"
            body["paging"] = {"next": {"after": after, "link": link}}
        return Response(200, body)

    def get_object(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        record = self.store.resolve(object_type, request.params["object_id"])
        archived = _flag(request.arg("archived"))
        if record is None or (record.archived_at is not None) != archived:
            raise HttpError(self.not_found(request))
        names = request.args("properties") or list(default_returned(object_type))
        links = [self._type(t) for t in request.args("associations")]
        return Response(200, self._wire(record, names, links))

    def batch_read(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        body = request.json()
        inputs = body.get("inputs") or []
        if len(inputs) > BATCH_READ_MAX:
            raise HttpError(self.bad_request(f"Batch read accepts at most {BATCH_READ_MAX} inputs"))
        if body.get("idProperty") not in (None, "", "hs_object_id"):
            raise HttpError(self.bad_request("only hs_object_id is supported as idProperty"))
        archived = _flag(request.arg("archived"))
        names = body.get("properties") or list(default_returned(object_type))
        started = iso(self.clock.now())
        found, missing = [], []
        for item in inputs:
            record = self.store.records[object_type].get(str(item.get("id")))
            if record is None or record.merged_into or (record.archived_at is not None) != archived:
                missing.append(str(item.get("id")))
            else:
                found.append(self._wire(record, names, []))
        result: dict[str, Any] = {
            "status": "COMPLETE",
            "results": found,
            "startedAt": started,
            "completedAt": iso(self.clock.now()),
        }
        if not missing:
            return Response(200, result)
        result["numErrors"] = 1
        result["errors"] = [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": f"Could not get some {SINGULAR[object_type].upper()} objects, they may "
                "be deleted or not exist. Check that ids are valid.",
                "context": {"ids": missing},
                "links": {},
                "errors": [],
            }
        ]
        return Response(207, result)

    def search_objects(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        try:
            page = run_search(
                self.store.live_records(object_type),
                request.json(),
                lambda name: self.store.property_spec(object_type, name),
            )
        except SearchError as error:
            raise HttpError(self.bad_request(str(error))) from None
        names = page.properties or list(default_returned(object_type))
        body: dict[str, Any] = {
            "total": page.total,
            "results": [self._wire(r, names, []) for r in page.records],
        }
        if page.next_after is not None:
            body["paging"] = {"next": {"after": page.next_after}}
        return Response(200, body)

    def create_object(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        body = request.json()
        links = []
        for association in body.get("associations") or []:
            target = str(association["to"]["id"])
            links.append((self._owner_type(target), target))
        record = self.store.create(object_type, body.get("properties") or {}, associations=links)
        return Response(201, self._wire(record, list(record.properties), []))

    def update_object(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        record = self._live(object_type, request)
        record = self.store.edit(object_type, record.id, request.json().get("properties") or {})
        return Response(200, self._wire(record, list(record.properties), []))

    def archive_object(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        record = self.store.records[object_type].get(request.params["object_id"])
        if record is not None:
            self.store.archive(object_type, record.id)
        return Response(204)

    def merge(self, request: Request) -> Response:
        if self._type(request.params["object_type"]) != "contacts":
            raise HttpError(self.bad_request("merging is supported for contacts here"))
        body = request.json()
        record = self.store.merge_contacts(
            str(body["primaryObjectId"]), str(body["objectIdToMerge"])
        )
        return Response(200, self._wire(record, list(record.properties), []))

    # -- associations v4 ------------------------------------------------------------------
    def list_associations(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        to_type = self._type(request.params["to_type"])
        record = self._live(object_type, request)
        limit = _limit(request.arg("limit"), ASSOCIATION_PAGE, ASSOCIATION_PAGE)
        links = self.store.visible_links(object_type, record.id, to_type)
        start = _decode_after(request.arg("after")) if request.arg("after") else 0
        body: dict[str, Any] = {
            "results": [
                self._link_wire(object_type, to_type, link) for link in links[start : start + limit]
            ]
        }
        if start + limit < len(links):
            body["paging"] = {"next": {"after": _encode_after(str(start + limit))}}
        return Response(200, body)

    def batch_read_associations(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        to_type = self._type(request.params["to_type"])
        inputs = request.json().get("inputs") or []
        if len(inputs) > ASSOCIATION_BATCH_MAX:
            raise HttpError(
                self.bad_request(f"Batch read accepts at most {ASSOCIATION_BATCH_MAX} inputs")
            )
        started = iso(self.clock.now())
        results, errors = [], []
        for item in inputs:
            object_id = str(item.get("id"))
            record = self.store.records[object_type].get(object_id)
            links = (
                self.store.visible_links(object_type, object_id, to_type)
                if record and record.live
                else []
            )
            start = _decode_after(item["after"]) if item.get("after") else 0
            if not links:
                errors.append(self._no_associations(object_type, to_type, object_id))
                continue
            entry: dict[str, Any] = {
                "from": {"id": object_id},
                "to": [
                    self._link_wire(object_type, to_type, link)
                    for link in links[start : start + ASSOCIATION_PAGE]
                ],
            }
            if start + ASSOCIATION_PAGE < len(links):
                entry["paging"] = {"next": {"after": _encode_after(str(start + ASSOCIATION_PAGE))}}
            results.append(entry)
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": iso(self.clock.now()),
        }
        if not errors:
            return Response(200, body)
        body |= {"numErrors": len(errors), "errors": errors}
        return Response(207, body)

    def associate_default(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        to_type = self._type(request.params["to_type"])
        record = self._live(object_type, request)
        to_id = request.params["to_id"]
        self.store.associate(object_type, record.id, to_type, to_id)
        type_id = ASSOCIATIONS.unlabeled[(object_type, to_type)]
        now = iso(self.clock.now())
        result = {
            "from": {"id": record.id},
            "to": {"id": to_id},
            "associationSpec": {
                "associationCategory": "HUBSPOT_DEFINED",
                "associationTypeId": type_id,
            },
        }
        body = {"status": "COMPLETE", "results": [result], "startedAt": now, "completedAt": now}
        return Response(200, body)

    def remove_association(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        to_type = self._type(request.params["to_type"])
        self.store.dissociate(
            object_type, request.params["object_id"], to_type, request.params["to_id"]
        )
        return Response(204)

    # -- helpers --------------------------------------------------------------------------
    def _type(self, name: str) -> str:
        object_type = canonical_type(name)
        if object_type is None:
            raise HttpError(
                _error(400, f"Unable to infer object type from: {name}", "OBJECT_NOT_FOUND")
            )
        return object_type

    def _owner_type(self, object_id: str) -> str:
        for object_type, records in self.store.records.items():
            if object_id in records:
                return object_type
        raise HttpError(self.bad_request(f"No object with id {object_id} to associate"))

    def _live(self, object_type: str, request: Request) -> CrmRecord:
        record = self.store.records[object_type].get(request.params["object_id"])
        if record is None or not record.live:
            raise HttpError(self.not_found(request))
        return record

    def _wire(self, record: CrmRecord, names: list[str], with_links: list[str]) -> dict[str, Any]:
        specs = self.store.properties[record.object_type]
        properties = {n: record.properties.get(n) for n in dict.fromkeys(names) if n in specs}
        body: dict[str, Any] = {
            "id": record.id,
            "properties": properties,
            "createdAt": iso(record.created_at),
            "updatedAt": iso(record.updated_at),
            "archived": record.archived_at is not None,
        }
        if record.archived_at is not None:
            body["archivedAt"] = iso(record.archived_at)
        associations = {}
        for to_type in with_links:
            results = []
            for to_id, type_ids in self.store.visible_links(record.object_type, record.id, to_type):
                for type_id in type_ids:
                    kind = f"{SINGULAR[record.object_type]}_to_{SINGULAR[to_type]}"
                    if ASSOCIATIONS.describe(record.object_type, to_type, type_id).label is None:
                        kind += (
                            "_unlabeled"
                            if (record.object_type, to_type) in ASSOCIATIONS.primary
                            else ""
                        )
                    results.append({"id": to_id, "type": kind})
            if results:
                associations[to_type] = {"results": results}
        if associations:
            body["associations"] = associations
        return body

    @staticmethod
    def _link_wire(object_type: str, to_type: str, link: tuple[str, list[int]]) -> dict[str, Any]:
        to_id, type_ids = link
        return {
            "toObjectId": int(to_id),
            "associationTypes": [
                ASSOCIATIONS.describe(object_type, to_type, t).wire() for t in type_ids
            ],
        }

    @staticmethod
    def _no_associations(object_type: str, to_type: str, object_id: str) -> dict[str, Any]:
        return {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
            "message": f"No {SINGULAR[to_type]} is associated with {SINGULAR[object_type]} {object_id}.",
            "context": {
                "fromObjectId": [object_id],
                "fromObjectType": [SINGULAR[object_type]],
                "toObjectType": [SINGULAR[to_type]],
            },
            "links": {},
            "errors": [],
        }


def _error(status: int, message: str, category: str) -> Response:
    return Response(
        status,
        {
            "status": "error",
            "message": message,
            "correlationId": str(uuid.uuid4()),
            "category": category,
        },
    )


def _rate_limit_body(policy: str) -> dict[str, Any]:
    """The three 429 bodies HubSpot sends (captured from the real service)."""
    correlation = str(uuid.uuid4())
    if policy == "SECONDLY":  # the search endpoints' per-second limit
        return {
            "status": "error",
            "message": "You have reached your secondly limit.",
            "correlationId": correlation,
            "category": "RATE_LIMITS",
        }
    if policy == "DAILY":
        return {
            "status": "error",
            "message": "You have reached your daily limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": correlation,
            "policyName": "DAILY",
            "requestId": str(uuid.uuid4()),
        }
    return {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": correlation,
        "policyName": "TEN_SECONDLY_ROLLING",
        "groupName": "publicapi:private_app-api-calls-ten-secondly:sandbox",
    }


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"


def _limit(raw: str | None, default: int, maximum: int) -> int:
    if raw in (None, ""):
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise HttpError(
            _error(400, f"limit must be an integer, got {raw!r}", "VALIDATION_ERROR")
        ) from None
    if not 1 <= limit <= maximum:
        raise HttpError(_error(400, f"limit must be between 1 and {maximum}", "VALIDATION_ERROR"))
    return limit


def _encode_after(value: str) -> str:
    return base64.b64encode(value.encode()).decode().rstrip("=")


def _decode_after(token: str | None) -> int:
    """Paging cursors are opaque; here they carry the next id (or offset) in base64."""
    if not token:
        return 0
    try:
        return int(base64.b64decode(token + "=" * (-len(token) % 4)).decode())
    except ValueError:
        raise HttpError(
            _error(400, f"Invalid paging cursor {token!r}", "VALIDATION_ERROR")
        ) from None
