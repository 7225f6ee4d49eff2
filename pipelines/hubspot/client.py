"""The HubSpot CRM calls this source makes, through hubspot-api-client.

Every call goes through `_call`, which retries what retry.py calls transient under the
shared policy (pipelines.core.retry) and turns the rest into errors that say what to do.
Results come back as plain `CrmObject`s, independent of the SDK's models.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import tenacity
from dlt.common import logger
from hubspot import HubSpot
from hubspot.crm.associations.v4 import (
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot.crm.objects import (
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectId,
)

from ..core.records import RecordFields, keyed
from ..core.redaction import redactor
from ..core.retry import RetryPolicy
from ..core.settings import SettingError
from .pacing import Pacer
from .retry import (
    DAILY,
    TRANSPORT_ERRORS,
    is_api_error,
    is_transient,
    rate_limit_policy,
    retry_reason,
    server_wait,
    status_of,
)
from .settings import ASSOCIATIONS_TABLE, CONNECT_TIMEOUT_SECONDS, REQUEST_TIMEOUT, TOKEN_SETTING


class HubSpotError(RuntimeError):
    """A HubSpot request failed for good: rejected, or still failing after all retries."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CrmObject:
    id: str
    properties: dict[str, str | None]
    created_at: datetime | None
    updated_at: datetime | None
    archived_at: datetime | None = None


@dataclass(frozen=True)
class SearchPage:
    total: int
    results: list[CrmObject]
    has_more: bool


@dataclass(frozen=True)
class AssociationRead:
    """One object's links to one target type, and the cursor to the rest of them."""

    from_id: str
    links: list[tuple[str, int, str | None]]  # (to_id, association type id, label)
    next_after: str | None


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    waited_seconds: float = 0.0
    by_reason: dict[str, int] = field(default_factory=dict)

    def retried(self, reason: str, seconds: float) -> None:
        self.retries += 1
        self.waited_seconds += seconds
        self.by_reason[reason] = self.by_reason.get(reason, 0) + 1


class CrmClient:
    def __init__(
        self,
        access_token: str,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        search_pacer: Pacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout_seconds: float | None = None,
        tables: Mapping[str, str] | None = None,
    ) -> None:
        # urllib3's own retries are off: _call decides, so every retry is counted and paced
        sdk = HubSpot(access_token=access_token, host=base_url.rstrip("/"), retry=False)
        # each SDK accessor builds a new connection pool: build them once
        self._properties = sdk.crm.properties.core_api
        self._basic = sdk.crm.objects.basic_api
        self._batch = sdk.crm.objects.batch_api
        self._search = sdk.crm.objects.search_api
        self._associations = sdk.crm.associations.v4.batch_api
        self.base_url = base_url
        self.retry = retry or RetryPolicy()
        self.search_pacer = search_pacer or Pacer(0)
        self.sleep = sleep
        self.stats = RequestStats()
        # the server's clock (its Date header) when it answered the last raw request
        self.server_time: datetime | None = None
        self.tables = dict(tables or {})  # object type -> its warehouse table, for messages
        # (connect, read) seconds per request; connecting never waits longer than reading
        self.timeout = (
            REQUEST_TIMEOUT
            if timeout_seconds is None
            else (min(CONNECT_TIMEOUT_SECONDS, timeout_seconds), timeout_seconds)
        )

    # -- calls ------------------------------------------------------------------------------
    def properties(self, object_type: str) -> list[dict[str, Any]]:
        """Property definitions of an object type (one request, no paging)."""
        response = self._call(
            f"read the {object_type} properties", self._properties.get_all, object_type
        )
        return [
            {
                "name": p.name,
                "type": p.type,
                "fieldType": p.field_type,
                "label": p.label,
                "calculated": p.calculated,
            }
            for p in response.results
        ]

    def list_page(
        self,
        object_type: str,
        *,
        after: str | None,
        properties: Sequence[str],
        archived: bool,
        limit: int,
    ) -> tuple[list[CrmObject], str | None]:
        page = self._call(
            f"list {object_type}",
            self._basic.get_page,
            object_type,
            limit=limit,
            after=after,
            properties=list(properties),
            archived=archived,
            raw=True,
        )
        following = ((page.get("paging") or {}).get("next") or {}).get("after")
        return [self._object(r, object_type) for r in page.get("results") or []], following

    def read(
        self, object_type: str, ids: Sequence[str], properties: Sequence[str], *, archived: bool
    ) -> list[CrmObject]:
        """POST batch/read: properties travel in the body, so their number is unlimited."""
        request = BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=i) for i in ids],
            properties=list(properties),
            properties_with_history=[],
        )
        response = self._call(
            f"read {len(ids)} {object_type}",
            self._batch.read,
            object_type,
            request,
            archived=archived,
            raw=True,
        )
        return [self._object(r, object_type) for r in response.get("results") or []]

    def search(
        self,
        object_type: str,
        *,
        filters: Iterable[dict[str, Any]],
        sort: tuple[str, str],
        properties: Sequence[str],
        limit: int,
    ) -> SearchPage:
        conditions = [Filter(**_filter_args(f)) for f in filters]
        request = PublicObjectSearchRequest(
            filter_groups=[FilterGroup(filters=conditions)] if conditions else [],
            sorts=[{"propertyName": sort[0], "direction": sort[1]}],
            properties=list(properties),
            limit=limit,
        )
        response = self._call(
            f"search {object_type}",
            self._search.do_search,
            object_type,
            request,
            search=True,
            raw=True,
        )
        results = [self._object(r, object_type) for r in response.get("results") or []]
        return SearchPage(
            total=int(response.get("total") or 0),
            results=results,
            # a short page is the last one, whatever `paging` says
            has_more=bool((response.get("paging") or {}).get("next")) and len(results) >= limit,
        )

    def associations(
        self, from_type: str, to_type: str, inputs: Sequence[tuple[str, str | None]]
    ) -> list[AssociationRead]:
        """v4 batch read; objects without links come back empty."""
        request = BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=i, after=a) for i, a in inputs]
        )
        response = self._call(
            f"read {from_type} -> {to_type} associations",
            self._associations.get_page,
            from_type,
            to_type,
            request,
            raw=True,
        )
        for error in response.get("errors") or []:
            if error.get("category") != "OBJECT_NOT_FOUND":
                raise HubSpotError(
                    f"HubSpot refused to read {from_type} -> {to_type} associations: "
                    f"{error.get('message')}"
                )
        return [_links(r, from_type, to_type) for r in response.get("results") or []]

    # -- records ----------------------------------------------------------------------------
    def _object(self, result: Any, object_type: str) -> CrmObject:
        """A v3 object, checked (pipelines.core.records): its id, updatedAt (the cursor's
        fallback and the row's `updated_at`), the other stamps, and `properties` as an
        object of texts or nulls. One that does not fit stops the run, naming the field."""
        table = self.tables.get(object_type, object_type)
        fields = keyed(
            result, f"HubSpot {object_type} record", "id", table, ("properties.hs_object_id",)
        )
        properties = fields.nested("properties")
        if properties is None:
            fields.fail("properties", "is missing")
        wrong = [n for n, v in properties.record.items() if not isinstance(v, str | None)]
        if wrong:
            properties.get(wrong[0], str)  # raises, naming the property
        return CrmObject(
            id=fields.key("id"),
            properties=dict(properties.record),
            created_at=fields.timestamp("createdAt"),
            updated_at=fields.timestamp("updatedAt", required=True),
            archived_at=fields.timestamp("archivedAt"),
        )

    # -- retries and errors ----------------------------------------------------------------
    def _call(
        self,
        what: str,
        method: Callable[..., Any],
        *args: Any,
        search: bool = False,
        raw: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Call an SDK method with retries. `raw` returns the decoded JSON body instead of
        SDK models: their date parsing dominates the cost of large pages."""

        def attempt() -> Any:
            if search:
                self.search_pacer.wait()
            self.stats.requests += 1
            if not raw:
                return method(*args, _request_timeout=self.timeout, **kwargs)
            response = method(
                *args, _request_timeout=self.timeout, _preload_content=False, **kwargs
            )
            self.server_time = _http_date(response.headers.get("Date"))
            return json.loads(response.data)

        retrying = self.retry.retrying(
            is_transient=is_transient,
            server_wait=server_wait,
            sleep=self.sleep,
            before_sleep=lambda state: self._count_retry(what, state),
        )
        try:
            return retrying(attempt)
        except TRANSPORT_ERRORS as error:
            detail = f"{type(error).__name__} talking to {self.base_url}"
            raise self._exhausted(what, detail) from error
        except Exception as error:
            if not is_api_error(error):
                raise
            if is_transient(error):
                raise self._exhausted(what, _detail(error)) from None
            raise self._refusal(what, error) from None

    def _count_retry(self, what: str, state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception()
        delay = state.next_action.sleep if state.next_action else 0.0
        detail = _detail(error) if is_api_error(error) else type(error).__name__
        logger.info("retrying %s in %.2fs (%s)", what, delay, detail)
        self.stats.retried(retry_reason(error), delay)

    def _exhausted(self, what: str, detail: str) -> HubSpotError:
        attempts = self.retry.attempts
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        return HubSpotError(
            f"Could not {what}: still failing after {tries} ({detail}). HubSpot may be "
            "unavailable (or sources.hubspot.base_url wrong); run again later."
        )

    def _refusal(self, what: str, error: Any) -> Exception:
        """The error to raise for an answer a retry cannot change."""
        status = status_of(error)
        body = _decode(getattr(error, "body", None))
        if status == 401:
            return SettingError(
                TOKEN_SETTING,
                "HubSpot rejected the access token (401 INVALID_AUTHENTICATION)",
                hint="Use a private app access token (Settings > Integrations > Private apps) "
                "that has not been rotated or revoked.",
            )
        if status == 403:
            return SettingError(
                TOKEN_SETTING,
                f"the access token may not {what} (403 {_field(body, 'category') or 'MISSING_SCOPES'})",
                hint="Give the private app the crm.objects.*.read and crm.schemas.*.read scopes.",
            )
        if status == 429 and rate_limit_policy(body) == DAILY:
            return HubSpotError(
                "HubSpot's daily API limit is used up; run again after midnight "
                "(the portal's time zone). Nothing was written."
            )
        message = _field(body, "message") or (body if isinstance(body, str) else "") or str(status)
        # masked before it is cut short: a token cut in half would no longer be recognised
        shown = redactor.redact(str(message))[:300]
        return HubSpotError(f"HubSpot refused to {what}: HTTP {status}: {shown}", status)


def _links(result: Any, from_type: str, to_type: str) -> AssociationRead:
    """One object's links (v4 batch read), checked: its id, each target's toObjectId and
    each association's typeId."""
    table = f"(table {ASSOCIATIONS_TABLE})"
    whole = RecordFields(result, f"HubSpot links of {from_type} to {to_type} {table}")
    origin = whole.nested("from")
    if origin is None:
        whole.fail("from", "is missing")
    from_id = origin.key("id")
    fields = RecordFields(result, f"HubSpot links of {from_type} {from_id} to {to_type} {table}")
    links = [
        (target.key("toObjectId"), kind.get("typeId", int, required=True), kind.get("label", str))
        for target in fields.items("to")
        for kind in target.items("associationTypes")
    ]
    following = ((fields.get("paging", dict) or {}).get("next") or {}).get("after")
    return AssociationRead(from_id, links, following)


def _http_date(value: str | None) -> datetime | None:
    """An HTTP Date header (RFC 9110, whole seconds) as an aware datetime; None if unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _detail(error: Any) -> str:
    """An answer as retries and failures report it: "429 <policy>" or "HTTP <status>"."""
    reason = retry_reason(error)
    return reason if reason.startswith("429") else f"HTTP {reason}"


def _filter_args(spec: dict[str, Any]) -> dict[str, Any]:
    names = {"propertyName": "property_name", "highValue": "high_value"}
    return {names.get(k, k): v for k, v in spec.items()}


def _decode(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body


def _field(body: Any, name: str) -> Any:
    return body.get(name) if isinstance(body, dict) else None
