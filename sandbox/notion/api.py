"""Notion API 2025-09-03 stand-in: routes, auth, version header and Notion's error shapes."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, timedelta
from typing import Any

from ..api import Api
from ..clock import Clock
from ..faults import RateLimit
from ..wire import HttpError, Request, Response
from .model import COMPUTED_TYPES, Page, Property
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
from .sample import DAILY, WEEKLY, build_habits
from .store import NotionStore

API_KEY = "secret_sandbox_notion_token"
NOTION_VERSION = "2025-09-03"
KNOWN_VERSIONS = (
    "2021-05-11",
    "2021-05-13",
    "2021-08-16",
    "2022-02-22",
    "2022-06-28",
    "2025-09-03",
    "2026-03-11",
)
INTEGRATION_NAME = "Habits sync"
QUERY_RESULT_LIMIT = 10_000  # results per data source query (guide: query large data sources)
PAGINATED_TYPES = frozenset({"title", "rich_text", "people", "relation", "rollup"})
SERVER_ERRORS = {
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad Gateway"),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: ("gateway_timeout", "Gateway Timeout"),
}


def notion_error(status: int, code: str, message: str, **extra: Any) -> Response:
    body = {"object": "error", "status": status, "code": code, "message": message, **extra}
    body["request_id"] = str(uuid.uuid4())
    return Response(status, body)


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
            "SOURCES__NOTION__API_KEY": API_KEY,
            "SOURCES__NOTION__DATABASES": json.dumps(
                {
                    "daily_habits": self.habits.daily_database_id,
                    "weekly_habits": self.habits.weekly_database_id,
                }
            ),
        }

    # -- auth, version, limits and error shapes ------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        if request.bearer_token() != API_KEY:
            return notion_error(401, "unauthorized", "API token is invalid.")
        version = request.headers.get("notion-version")
        if not version:
            return notion_error(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be "
                "defined, instead was `undefined`.",
            )
        if version not in KNOWN_VERSIONS:
            accepted = ", ".join(f'"{v}"' for v in KNOWN_VERSIONS[:-1])
            return notion_error(
                400,
                "validation_error",
                "Notion-Version header failed validation: Notion-Version header should be "
                f'{accepted}, or "{KNOWN_VERSIONS[-1]}", instead was `"{version}"`.',
            )
        if version != NOTION_VERSION:
            return notion_error(
                400,
                "invalid_request",
                f"Unsupported request: this sandbox serves Notion-Version {NOTION_VERSION} only.",
            )
        return None

    def rate_limit_for(self, request: Request) -> list[RateLimit]:
        return [self.rate_limit]

    def rate_limited(self, retry_after: int) -> Response:
        response = notion_error(
            429, "rate_limited", "You have been rate limited. Please try again in a few minutes."
        )
        response.headers["Retry-After"] = str(retry_after)
        return response

    def server_error(self, status: int) -> Response:
        code, message = SERVER_ERRORS.get(status, SERVER_ERRORS[500])
        return notion_error(status, code, message)

    def not_found(self, request: Request) -> Response:
        return notion_error(400, "invalid_request_url", "Invalid request URL.")

    def method_not_allowed(self, request: Request) -> Response:
        return notion_error(400, "invalid_request_url", "Invalid request URL.")

    def bad_request(self, message: str) -> Response:
        return notion_error(400, "validation_error", message)

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
                    values[prop.id] = _written_value(prop, payload)
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
        start = _offset(request.arg("start_cursor"), len(items))
        chunk = items[start : start + size]
        more = start + size < len(items)
        cursor = _cursor(start + size) if more else None
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

    def _data_source(self, request: Request):
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
        return notion_error(
            404,
            "object_not_found",
            f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
            f'databases are shared with your integration "{INTEGRATION_NAME}".',
            additional_data={"integration_id": self.store.bot.id},
        )

    def _body(self, request: Request) -> dict[str, Any]:
        try:
            body = json.loads(request.body.decode("utf-8")) if request.body else {}
        except (ValueError, UnicodeDecodeError):
            raise HttpError(notion_error(400, "invalid_json", "Error parsing JSON body.")) from None
        if not isinstance(body, dict):
            raise HttpError(self.bad_request("body failed validation: body should be an object."))
        return body

    def _filter_properties(self, request: Request, source) -> set[str] | None:
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

    # -- demo ------------------------------------------------------------------------
    def demo_changes(self) -> list[str]:
        """What a person does in Notion during a day; returns a line per change."""
        store = self.store
        daily = store.data_source(DAILY)
        weekly = store.data_source(WEEKLY)
        pages = store.pages_of(daily)
        today, yesterday, old = pages[-1], pages[-2], pages[-30]
        title = daily.title_property().id
        date_id = daily.find("Date").id
        logged = {p.values[date_id]["start"] for p in pages if p.values[date_id]}
        first = date.fromisoformat(min(logged))
        missing = max(
            day
            for day in (first + timedelta(days=n) for n in range(len(logged) + 10))
            if day.isoformat() not in logged and day.isoformat() < max(logged)
        )
        store.edit_page(today.id, {"Workout": True, "Steps": 11250})
        store.edit_page(yesterday.id, {"Notes": "Went to bed early, felt great."})
        store.trash_page(old.id)
        store.rename_property(daily, "Read 30 min", "Read 30 minutes")
        backfilled = store.add_page(
            daily,
            {
                "Day": f"{missing:%a} {missing.isoformat()}",
                "Date": missing.isoformat(),
                "Meditated": True,
                "Sleep hours": 7.5,
                "Mood": "Good",
            },
        )
        this_week = store.pages_of(weekly)[-1]
        store.edit_page(this_week.id, {"Long run": True, "Deep work hours": 16.5})
        return [
            f"ticked Workout and logged 11,250 steps on '{today.values[title]}' (Daily Habits)",
            f"added a note to '{yesterday.values[title]}'",
            f"moved '{old.values[title]}' to the trash",
            "renamed the property 'Read 30 min' to 'Read 30 minutes' (its column stays read_30_min)",
            f"logged the forgotten day '{backfilled.values[title]}'",
            f"ticked Long run on this week's page '{this_week.values['title']}' (Weekly Habits)",
        ]


def _written_value(prop: Property, payload: Any) -> Any:
    """A page-update property payload -> the store's plain value."""
    if prop.type in COMPUTED_TYPES:
        raise ValueError(f"body failed validation: {prop.name} is a {prop.type} property.")
    if not isinstance(payload, dict) or prop.type not in payload:
        raise ValueError(
            f"body failed validation: body.properties.{prop.name}.{prop.type} should be defined."
        )
    value = payload[prop.type]
    kind = prop.type
    if kind in ("title", "rich_text"):
        return "".join(
            item.get("plain_text") or item.get("text", {}).get("content", "")
            for item in value or []
        )
    if kind in ("select", "status"):
        return value.get("name") if value else None
    if kind == "multi_select":
        return [item["name"] for item in value or []]
    if kind in ("relation", "people"):
        return [item["id"] for item in value or []]
    if kind == "files":
        return [
            {"name": item.get("name", ""), "url": (item.get("external") or {}).get("url", "")}
            for item in value or []
        ]
    if kind == "verification":
        return (value or {}).get("state", "unverified")
    return value


def _int_or_text(value: str | None) -> Any:
    return int(value) if value is not None and value.lstrip("-").isdigit() else value


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None, total: int) -> int:
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        offset = int(base64.urlsafe_b64decode(padded).decode().removeprefix("offset:"))
    except ValueError:
        raise HttpError(
            notion_error(
                400,
                "validation_error",
                f"query failed validation: query.start_cursor should be a valid cursor, instead "
                f"was `{cursor}`.",
            )
        ) from None
    return max(0, min(offset, total))


__all__ = ["API_KEY", "NOTION_VERSION", "NotionApi"]
