"""HubSpot CRM v3/v4 stand-in: the routes and what each answers (see the package docstring)."""

from __future__ import annotations

import bisect
import threading
from datetime import date
from typing import Any
from urllib.parse import urlencode

from ..api import Api
from ..clock import Clock
from ..faults import RateLimit
from ..wire import HttpError, Request, Response
from . import auth, changes, errors, ratelimit
from .catalog import ASSOCIATIONS, canonical_type, default_returned
from .paging import decode_after, encode_after, page_limit
from .ratelimit import PolicyLimit
from .render import association_json, record_json
from .sample import populate
from .search import SearchError, run_search
from .store import CrmRecord, CrmStore, iso

LIST_MAX_LIMIT = 100
LIST_DEFAULT_LIMIT = 10
BATCH_READ_MAX = 100
ASSOCIATION_BATCH_MAX = 1000
ASSOCIATION_PAGE = 500
MAX_URI_LENGTH = 8000


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
        return changes.demo_changes(self.store)

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {
            "SOURCES__HUBSPOT__BASE_URL": base_url + self.prefix,
            "SOURCES__HUBSPOT__ACCESS_TOKEN": auth.ACCESS_TOKEN,
        }

    # -- auth, limits and error shapes ------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        return auth.refusal(request)

    def rate_limit_for(self, request: Request) -> list[RateLimit]:
        if request.method == "POST" and request.path.endswith("/search"):
            return [self._search]  # search is exempt from the ten-secondly limit
        return [self._burst, self._daily]

    def rate_limited(self, retry_after: int) -> Response:
        policy = getattr(self._tripped, "policy", None) or "TEN_SECONDLY_ROLLING"
        self._tripped.policy = None
        return ratelimit.rate_limited(policy, retry_after)

    def server_error(self, status: int) -> Response:
        return errors.server_error(status)

    def not_found(self, request: Request) -> Response:
        return errors.resource_not_found()

    def bad_request(self, message: str) -> Response:
        return errors.validation_error(message)

    def handle(self, request: Request) -> Response:
        uri = len(self.prefix) + len(request.path) + 1 + len(urlencode(request.query, doseq=True))
        if uri > MAX_URI_LENGTH:
            return errors.uri_too_long()
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
        raise HttpError(errors.error(404, f"Unable to find property {name}", "OBJECT_NOT_FOUND"))

    # -- objects --------------------------------------------------------------------------
    def list_objects(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        limit = page_limit(request.arg("limit"), LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT)
        archived = _flag(request.arg("archived"))
        names = request.args("properties") or list(default_returned(object_type))
        with_links = [self._type(t) for t in request.args("associations")]
        records = (
            self.store.archived_records(object_type)
            if archived
            else self.store.live_records(object_type)
        )
        start = bisect.bisect_left([int(r.id) for r in records], decode_after(request.arg("after")))
        page = records[start : start + limit]
        body: dict[str, Any] = {"results": [self._json(r, names, with_links) for r in page]}
        if start + limit < len(records):
            after = encode_after(records[start + limit].id)
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
        return Response(200, self._json(record, names, links))

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
                found.append(self._json(record, names, []))
        result: dict[str, Any] = {
            "status": "COMPLETE",
            "results": found,
            "startedAt": started,
            "completedAt": iso(self.clock.now()),
        }
        if not missing:
            return Response(200, result)
        result["numErrors"] = 1
        result["errors"] = [errors.objects_not_found(object_type, missing)]
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
            "results": [self._json(r, names, []) for r in page.records],
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
        return Response(201, self._json(record, list(record.properties), []))

    def update_object(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        record = self._live(object_type, request)
        record = self.store.edit(object_type, record.id, request.json().get("properties") or {})
        return Response(200, self._json(record, list(record.properties), []))

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
        return Response(200, self._json(record, list(record.properties), []))

    # -- associations v4 ------------------------------------------------------------------
    def list_associations(self, request: Request) -> Response:
        object_type = self._type(request.params["object_type"])
        to_type = self._type(request.params["to_type"])
        record = self._live(object_type, request)
        limit = page_limit(request.arg("limit"), ASSOCIATION_PAGE, ASSOCIATION_PAGE)
        links = self.store.visible_links(object_type, record.id, to_type)
        start = decode_after(request.arg("after")) if request.arg("after") else 0
        body: dict[str, Any] = {
            "results": [
                association_json(object_type, to_type, link)
                for link in links[start : start + limit]
            ]
        }
        if start + limit < len(links):
            body["paging"] = {"next": {"after": encode_after(str(start + limit))}}
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
        results, failures = [], []
        for item in inputs:
            object_id = str(item.get("id"))
            record = self.store.records[object_type].get(object_id)
            links = (
                self.store.visible_links(object_type, object_id, to_type)
                if record and record.live
                else []
            )
            start = decode_after(item["after"]) if item.get("after") else 0
            if not links:
                failures.append(errors.no_associations(object_type, to_type, object_id))
                continue
            entry: dict[str, Any] = {
                "from": {"id": object_id},
                "to": [
                    association_json(object_type, to_type, link)
                    for link in links[start : start + ASSOCIATION_PAGE]
                ],
            }
            if start + ASSOCIATION_PAGE < len(links):
                entry["paging"] = {"next": {"after": encode_after(str(start + ASSOCIATION_PAGE))}}
            results.append(entry)
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": iso(self.clock.now()),
        }
        if not failures:
            return Response(200, body)
        body |= {"numErrors": len(failures), "errors": failures}
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
                errors.error(400, f"Unable to infer object type from: {name}", "OBJECT_NOT_FOUND")
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

    def _json(self, record: CrmRecord, names: list[str], with_links: list[str]) -> dict[str, Any]:
        return record_json(self.store, record, names, with_links)


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"
