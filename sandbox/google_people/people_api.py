"""People API v1: `people/me/connections` and `contactGroups` lists with page and sync tokens."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import date

from ..api import Api
from ..clock import Clock
from ..faults import RateLimit
from ..wire import Request, Response
from . import errors
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
# The quota buckets as read in a Cloud Console (per minute per user).
CONTACT_READS = ("Critical read requests (Contact and Profile Reads)", 60)
GROUP_READS = ("Read requests (Contact Group Reads)", 90)


class GooglePeopleApi(errors.FrontEndErrors, Api):
    """Served under /google, so the client's api_endpoint is `<sandbox>/google/`."""

    name = "google_people"
    prefix = "/google"

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        self.store = ContactsStore(clock, seed=seed, anchor=anchor)
        self.sync_tokens = SyncTokens(seed)
        self.cursors = Cursors()
        self._limits = {
            CONTACT_READS[0]: RateLimit(CONTACT_READS[1], 60.0),
            GROUP_READS[0]: RateLimit(GROUP_READS[1], 60.0),
        }
        self._limited = threading.local()  # which bucket the current request ran out of
        super().__init__(clock)

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {"SOURCES__GOOGLE_PEOPLE__BASE_URL": base_url + self.prefix + "/"}

    def demo_changes(self) -> list[str]:
        """What a person does in Google Contacts during a day; returns a line per change."""
        store = self.store
        with store.lock:
            oldest, promoted, moved = store.resource_names()[:3]
            names = {
                n: store.person(n)["names"][0]["displayName"] for n in (oldest, promoted, moved)
            }
            store.edit_person(promoted, job_title="Head of Data")
            store.edit_person(moved, phones=["+44 20 7946 0958"], organization="Lumen Energy")
            store.delete_person(oldest)
            store.add_person(
                "Mary",
                "Somerville",
                emails=["mary.somerville@mail.example"],
                phones=["(555) 201-7740"],
                birthday=(None, 12, 26),
            )
            climbing = next(g for g in store.groups.values() if g.name == "Climbing")
            store.rename_group(climbing.resource_name, "Bouldering")
        return [
            f"Google Contacts: {names[promoted]} is now Head of Data",
            f"Google Contacts: {names[moved]} moved to Lumen Energy with a UK phone number",
            f"Google Contacts: deleted {names[oldest]}",
            "Google Contacts: added Mary Somerville (birthday 26 December, year unknown)",
            "Google Contacts: renamed the group Climbing to Bouldering",
        ]

    # -- API-wide behaviour ---------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        if access_token_valid(request.bearer_token(), self.clock.now()):
            return None
        return errors.unauthenticated()

    def rate_limit_for(self, request: Request) -> list[RateLimit]:
        metric = GROUP_READS if request.path.startswith("/v1/contactGroups") else CONTACT_READS
        self._limited.metric = metric
        return [self._limits[metric[0]]]

    def rate_limited(self, retry_after: int) -> Response:
        metric, per_minute = getattr(self._limited, "metric", CONTACT_READS)
        return errors.quota_exceeded(metric, per_minute)

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
        wanted = _field_mask(request, "personFields", PERSON_FIELDS, required=True)
        page_size = _page_size(request, default=100)
        sort_order = _enum(request, "sortOrder", SORT_ORDERS) or SORT_ORDERS[0]
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
        wanted = _field_mask(request, "groupFields", GROUP_FIELDS, required=False)
        wanted = wanted or set(DEFAULT_GROUP_FIELDS)
        page_size = _page_size(request, default=30)
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
        wants_token = always_sync or _boolean(request, "requestSyncToken")
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


def _boolean(request: Request, name: str) -> bool:
    value = (request.arg(name) or "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise errors.invalid_argument(f"Invalid value at '{name}' (TYPE_BOOL), \"{value}\"")
    return value in ("true", "1")


def _enum(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.arg(name)
    if value is not None and value not in allowed:
        raise errors.invalid_argument(f"Invalid value at '{name}', \"{value}\"")
    return value


def _page_size(request: Request, *, default: int) -> int:
    raw = request.arg("pageSize") or "0"
    try:
        size = int(raw)
    except ValueError:
        raise errors.invalid_argument(
            f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\""
        ) from None
    if size < 0 or size > 1000:
        raise errors.invalid_argument("Page size must be between 1 and 1000, inclusive.")
    return size or default


def _field_mask(request: Request, name: str, valid: tuple[str, ...], *, required: bool) -> set[str]:
    paths = request.args(name)
    if not paths and name == "personFields":  # the deprecated spelling
        paths = [p.removeprefix("person.") for p in request.args("requestMask.includeField")]
    if not paths and required:
        raise errors.invalid_argument(
            f"{name} mask is required. Please specify one or more valid paths. "
            f"Valid paths are documented at {errors.DOCS_CONNECTIONS}."
        )
    for path in paths:
        if path not in valid:
            raise errors.invalid_argument(
                f'Invalid {name} mask path: "{path}". Valid paths are documented at '
                f"{errors.DOCS_CONNECTIONS}."
            )
    return set(paths)
