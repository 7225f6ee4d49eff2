"""People API v1: `people/me/connections` and `contactGroups` lists with page and sync tokens."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date

from ..api import Api
from ..clock import Clock
from ..faults import RateLimit
from ..wire import Request, Response
from . import changes, errors, params
from .ratelimit import ReadQuotas
from .store import GROUP_FIELDS, PERSON_FIELDS, ContactsStore
from .tokens import Cursor, Cursors, SyncToken, SyncTokens, access_token_valid

SORT_ORDERS = (
    "LAST_MODIFIED_ASCENDING",
    "LAST_MODIFIED_DESCENDING",
    "FIRST_NAME_ASCENDING",
    "LAST_NAME_ASCENDING",
)
READ_SOURCE_TYPES = (
    "READ_SOURCE_TYPE_PROFILE",
    "READ_SOURCE_TYPE_CONTACT",
    "READ_SOURCE_TYPE_DOMAIN_CONTACT",
    "READ_SOURCE_TYPE_OTHER_CONTACT",
)
DEFAULT_SOURCES = ("READ_SOURCE_TYPE_CONTACT", "READ_SOURCE_TYPE_PROFILE")
DEFAULT_GROUP_FIELDS = ("metadata", "groupType", "memberCount", "name")
# Standard parameters every Google API accepts; they never change what a list returns.
SYSTEM_PARAMETERS = frozenset(
    {
        "$.xgafv",
        "access_token",
        "alt",
        "callback",
        "fields",
        "key",
        "oauth_token",
        "prettyPrint",
        "quotaUser",
        "uploadType",
        "upload_protocol",
    }
)


class GooglePeopleApi(errors.FrontEndErrors, Api):
    """Served under /google, so the client's api_endpoint is `<sandbox>/google/`."""

    name = "google_people"
    prefix = "/google"

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        self.store = ContactsStore(clock, seed=seed, anchor=anchor)
        self.sync_tokens = SyncTokens(seed)
        self.cursors = Cursors()
        self.quotas = ReadQuotas()
        super().__init__(clock)

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {"SOURCES__GOOGLE_PEOPLE__BASE_URL": base_url + self.prefix + "/"}

    def demo_changes(self) -> list[str]:
        return changes.demo_changes(self.store)

    # -- API-wide behaviour ---------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        if access_token_valid(request.bearer_token(), self.clock.now()):
            return None
        return errors.unauthenticated()

    def rate_limit_for(self, request: Request) -> list[RateLimit]:
        return self.quotas.limits_for(request)

    def rate_limited(self, retry_after: int) -> Response:
        return self.quotas.exceeded()

    def server_error(self, status: int) -> Response:
        return errors.server_error(status)

    def bad_request(self, message: str) -> Response:
        return errors.error(400, "INVALID_ARGUMENT", message)

    # -- routes ---------------------------------------------------------------------
    def register_routes(self) -> None:
        self.router.route("GET", "/v1/people/{person_id}/connections")(self.list_connections)
        self.router.route("GET", "/v1/contactGroups")(self.list_contact_groups)

    def list_connections(self, request: Request) -> Response:
        if request.params["person_id"] != "me":
            raise errors.invalid_argument("Resource name must be people/me.")
        wanted = params.field_mask(request, "personFields", PERSON_FIELDS, required=True)
        page_size = params.page_size(request, default=100)
        sort_order = params.enum(request, "sortOrder", SORT_ORDERS) or SORT_ORDERS[0]
        sources = sorted(request.args("sources") or DEFAULT_SOURCES)
        for source in sources:
            if source not in READ_SOURCE_TYPES:
                raise errors.invalid_argument(f"Invalid value at 'sources', \"{source}\"")
        sync_fingerprint = _digest(
            {
                "personFields": sorted(wanted),
                "pageSize": page_size,
                "sortOrder": sort_order,
                "sources": sources,
            }
        )
        with self.store.lock:
            cursor, offset = self._cursor(
                request,
                "people",
                sync_fingerprint,
                full=lambda: self.store.live_people(sort_order),
                changed=self.store.people_changed_since,
            )
            sync = bool(request.arg("syncToken"))  # later pages repeat it too
            page = cursor.names[offset : offset + page_size]
            people = [self.store.render_person(n, wanted, sync=sync) for n in page]
            body: dict = {"connections": [p for p in people if p is not None]}
            self._paginate(body, cursor, offset + page_size)
            if cursor.names:
                body["totalPeople"] = body["totalItems"] = len(cursor.names)
        return Response(200, _drop_empty(body))

    def list_contact_groups(self, request: Request) -> Response:
        wanted = params.field_mask(request, "groupFields", GROUP_FIELDS, required=False)
        wanted = wanted or set(DEFAULT_GROUP_FIELDS)
        page_size = params.page_size(request, default=30)
        sync_fingerprint = _digest({"groupFields": sorted(wanted), "pageSize": page_size})
        with self.store.lock:
            cursor, offset = self._cursor(
                request,
                "groups",
                sync_fingerprint,
                full=self.store.live_groups,
                changed=self.store.groups_changed_since,
                always_sync=True,
            )
            sync = bool(request.arg("syncToken"))
            page = cursor.names[offset : offset + page_size]
            groups = [self.store.render_group(n, wanted, sync=sync) for n in page]
            body: dict = {"contactGroups": [g for g in groups if g is not None]}
            self._paginate(body, cursor, offset + page_size)
            if cursor.names:
                body["totalItems"] = len(cursor.names)
        return Response(200, _drop_empty(body))

    # -- listing machinery ----------------------------------------------------------
    def _cursor(
        self,
        request: Request,
        kind: str,
        sync_fingerprint: str,
        *,
        full: Callable[[], list[str]],
        changed: Callable[[int], list[str]],
        always_sync: bool = False,
    ) -> tuple[Cursor, int]:
        """Resume the listing a page token names, or start one (full or since a sync token)."""
        call_fingerprint = _digest(
            {
                k: v
                for k, v in sorted(request.query.items())
                if k not in SYSTEM_PARAMETERS | {"pageToken"}
            }
        )
        page_token = request.arg("pageToken")
        if page_token:
            resumed = self.cursors.resume(page_token)
            if resumed is None or resumed[0].kind != kind:
                raise errors.invalid_argument("Invalid page token.")
            if resumed[0].fingerprint != call_fingerprint:
                raise errors.invalid_argument(
                    "Parameters other than the page token must match the first call "
                    "that returned the page token."
                )
            return resumed
        now = self.clock.now()
        sync_text = request.arg("syncToken")
        if sync_text:
            token = self.sync_tokens.decode(sync_text)
            if token is None or token.kind != kind:
                raise errors.invalid_argument("Invalid sync token.")
            if token.fingerprint != sync_fingerprint:
                raise errors.invalid_argument(
                    "Parameters other than the sync token must match the first call "
                    "that returned the sync token."
                )
            if token.expired(now, self.store.generation):
                raise errors.expired_sync_token()
            names, origin = changed(token.version), token.origin
        else:
            names, origin = full(), now.timestamp()
        wants_token = always_sync or params.boolean(request, "requestSyncToken")
        next_token = SyncToken(
            kind, self.store.version, origin, self.store.generation, sync_fingerprint
        )
        cursor = Cursor(kind, names, call_fingerprint, next_token if wants_token else None)
        self.cursors.open(cursor)
        return cursor, 0

    def _paginate(self, body: dict, cursor: Cursor, next_offset: int) -> None:
        """nextPageToken while more remain; nextSyncToken only on the last page."""
        if next_offset < len(cursor.names):
            body["nextPageToken"] = self.cursors.page_token(cursor, next_offset)
        elif cursor.sync_token is not None:
            body["nextSyncToken"] = self.sync_tokens.encode(cursor.sync_token)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def _drop_empty(body: dict) -> dict:
    """Proto3 JSON leaves out empty lists."""
    return {k: v for k, v in body.items() if v not in ([], None)}
