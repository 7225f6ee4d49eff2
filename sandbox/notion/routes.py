"""Notion API 2025-09-03 stand-in: the routes and what each answers."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from ..api import Api
from ..clock import Clock
from ..faults import RateLimit
from ..wire import HttpError, Request, Response
from . import auth, changes, errors
from .model import DataSource, Page
from .paging import cursor_offset, offset_cursor
from .payloads import written_value
from .query import ValidationFailed, page_size, paginate, run_query
from .render import (
    data_source_json,
    database_json,
    page_json,
    property_list_items,
    property_value,
    rollup_summary,
    user_json,
)
from .sample import build_habits
from .store import NotionStore

QUERY_RESULT_LIMIT = 10_000  # results per data source query (guide: query large data sources)
PAGINATED_TYPES = frozenset({"title", "rich_text", "people", "relation", "rollup"})


def ok(body: dict[str, Any]) -> Response:
    return Response(200, {**body, "request_id": str(uuid.uuid4())})


class NotionApi(Api):
    """Databases, data sources, pages, page properties and the bot user."""

    name = "notion"
    prefix = "/notion"

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        self.store = NotionStore(clock, seed)
        self.habits = build_habits(self.store, seed, anchor)
        # "an average of three requests per second", bursts allowed: 6 per 2 s sliding window
        self.rate_limit = RateLimit(requests=6, per_seconds=2.0)
        # one query returns at most this many results (tests lower it)
        self.query_result_limit = QUERY_RESULT_LIMIT
        super().__init__(clock)

    # -- settings for the pipeline -------------------------------------------------
    def client_settings(self, base_url: str) -> dict[str, str]:
        return {
            "SOURCES__NOTION__BASE_URL": base_url + self.prefix,
            "SOURCES__NOTION__API_KEY": auth.API_KEY,
            "SOURCES__NOTION__DATABASES": json.dumps(
                {
                    "daily_habits": self.habits.daily_database_id,
                    "weekly_habits": self.habits.weekly_database_id,
                }
            ),
        }

    def demo_changes(self) -> list[str]:
        return changes.demo_changes(self.store)

    # -- auth, version, limits and error shapes ------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        return auth.refusal(request)

    def rate_limit_for(self, request: Request) -> list[RateLimit]:
        return [self.rate_limit]

    def rate_limited(self, retry_after: int) -> Response:
        return errors.rate_limited(retry_after)

    def server_error(self, status: int) -> Response:
        return errors.server_error(status)

    def not_found(self, request: Request) -> Response:
        return errors.invalid_request_url()

    def method_not_allowed(self, request: Request) -> Response:
        return errors.invalid_request_url()

    def bad_request(self, message: str) -> Response:
        return errors.validation_error(message)

    # -- routes ----------------------------------------------------------------------
    def register_routes(self) -> None:
        route = self.router.route
        route("GET", "/v1/users/me")(self.me)
        route("GET", "/v1/databases/{database_id}")(self.get_database)
        route("GET", "/v1/data_sources/{data_source_id}")(self.get_data_source)
        route("POST", "/v1/data_sources/{data_source_id}/query")(self.query_data_source)
        route("GET", "/v1/pages/{page_id}")(self.get_page)
        route("PATCH", "/v1/pages/{page_id}")(self.update_page)
        route("GET", "/v1/pages/{page_id}/properties/{property_id}")(self.get_page_property)

    def me(self, request: Request) -> Response:
        return ok(user_json(self.store.bot))

    def get_database(self, request: Request) -> Response:
        database_id = self._uuid(request, "database_id")
        try:
            database = self.store.database(database_id)
        except KeyError:
            raise HttpError(self._missing("database", database_id)) from None
        return ok(database_json(self.store, database))

    def get_data_source(self, request: Request) -> Response:
        return ok(data_source_json(self.store, self._data_source(request)))

    def query_data_source(self, request: Request) -> Response:
        source = self._data_source(request)
        body = self._body(request)
        try:
            size = page_size(body.get("page_size"), "body")
            only = self._filter_properties(request, source)
            pages = run_query(self.store, source, body)
            capped = len(pages) > self.query_result_limit
            pages = pages[: self.query_result_limit]
            chunk, next_cursor = paginate(pages, body.get("start_cursor"), size)
        except ValidationFailed as error:
            raise HttpError(self.bad_request(str(error))) from None
        response = {
            "object": "list",
            "results": [page_json(self.store, p, only) for p in chunk],
            "next_cursor": next_cursor,
            "has_more": next_cursor is not None,
            "type": "page_or_data_source",
            "page_or_data_source": {},
        }
        if capped and not body.get("start_cursor"):
            # The docs promise the signal on some page of a capped query, not on each one
            # nor on the last: only the first page carries it here.
            response["request_status"] = {
                "type": "incomplete",
                "incomplete_reason": "query_result_limit_reached",
            }
        return ok(response)

    def get_page(self, request: Request) -> Response:
        page = self._page(request)
        source = self.store.data_sources[page.data_source_id]
        try:
            only = self._filter_properties(request, source)
        except ValidationFailed as error:
            raise HttpError(self.bad_request(str(error))) from None
        return ok(page_json(self.store, page, only))

    def update_page(self, request: Request) -> Response:
        """Property values, `in_trash` (and its older name `archived`)."""
        page = self._page(request)
        body = self._body(request)
        trash = body.get("in_trash", body.get("archived"))
        if trash is False:
            self.store.restore_page(page.id)
        if body.get("properties"):
            if page.in_trash:
                raise HttpError(
                    self.bad_request(
                        "Can't edit block that is archived. You must unarchive the block "
                        "before editing."
                    )
                )
            source = self.store.data_sources[page.data_source_id]
            values = {}
            try:
                for key, payload in body["properties"].items():
                    prop = source.find(key)
                    values[prop.id] = written_value(prop, payload)
            except (KeyError, ValueError) as error:
                raise HttpError(self.bad_request(str(error.args[0]))) from None
            self.store.edit_page(page.id, values, by=self.store.bot)
        if trash is True:
            self.store.trash_page(page.id)
        return ok(page_json(self.store, page))

    def get_page_property(self, request: Request) -> Response:
        page = self._page(request)
        source = self.store.data_sources[page.data_source_id]
        try:
            prop = source.find(request.params["property_id"])
        except KeyError:
            raise HttpError(self._missing("property", request.params["property_id"])) from None
        if prop.type not in PAGINATED_TYPES:
            value = property_value(self.store, page, prop)
            return ok({"object": "property_item", **value})
        try:
            size = page_size(_int_or_text(request.arg("page_size")), "query")
        except ValidationFailed as error:
            raise HttpError(self.bad_request(str(error))) from None
        items = property_list_items(self.store, page, prop)
        start = cursor_offset(request.arg("start_cursor"), len(items))
        chunk = items[start : start + size]
        more = start + size < len(items)
        cursor = offset_cursor(start + size) if more else None
        summary: dict[str, Any] = {"id": prop.id, "next_url": None, "type": prop.type}
        summary[prop.type] = rollup_summary(self.store, page, prop) if prop.type == "rollup" else {}
        if cursor:
            host = request.headers.get("host", "api.notion.com")
            summary["next_url"] = (
                f"http://{host}{self.prefix}/v1/pages/{page.id}/properties/{prop.id}"
                f"?start_cursor={cursor}"
            )
        return ok(
            {
                "object": "list",
                "results": chunk,
                "next_cursor": cursor,
                "has_more": more,
                "type": "property_item",
                "property_item": summary,
            }
        )

    # -- helpers ---------------------------------------------------------------------
    def _uuid(self, request: Request, name: str) -> str:
        value = request.params[name]
        try:
            uuid.UUID(value)
        except ValueError:
            raise HttpError(
                self.bad_request(
                    f"path failed validation: path.{name} should be a valid uuid, instead was "
                    f"`{value}`."
                )
            ) from None
        return value

    def _data_source(self, request: Request) -> DataSource:
        source_id = self._uuid(request, "data_source_id")
        try:
            return self.store.data_source(source_id)
        except KeyError:
            raise HttpError(self._missing("data source", source_id)) from None

    def _page(self, request: Request) -> Page:
        page_id = self._uuid(request, "page_id")
        try:
            page = self.store.page(page_id)
        except KeyError:
            page = None
        if page is None or not page.shared:
            raise HttpError(self._missing("page", page_id))
        return page

    def _missing(self, kind: str, object_id: str) -> Response:
        return errors.object_not_found(kind, object_id, self.store.bot.id)

    def _body(self, request: Request) -> dict[str, Any]:
        try:
            body = json.loads(request.body.decode("utf-8")) if request.body else {}
        except (ValueError, UnicodeDecodeError):
            raise HttpError(errors.invalid_json()) from None
        if not isinstance(body, dict):
            raise HttpError(self.bad_request("body failed validation: body should be an object."))
        return body

    def _filter_properties(self, request: Request, source: DataSource) -> set[str] | None:
        """`filter_properties` (repeated, or with the `[]` suffix) limits page properties."""
        wanted = request.args("filter_properties") + request.args("filter_properties[]")
        if not wanted:
            return None
        only = set()
        for key in wanted:
            try:
                only.add(source.find(key).id)
            except KeyError:
                raise ValidationFailed(f"Could not find property with name or id: {key}") from None
        return only


def _int_or_text(value: str | None) -> Any:
    return int(value) if value is not None and value.lstrip("-").isdigit() else value
