"""The HubSpot CRM calls this source makes, through hubspot-api-client.

Every call goes through `_call`, which retries rate limits, 5xx answers and dropped
connections (see retry.py) and turns the rest into errors that say what to do.
Results come back as plain `CrmObject`s, independent of the SDK's models.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import urllib3
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

from ..runtime import SettingError
from .retry import DAILY, Backoff, Pacer, rate_limit_policy, retry_after_seconds
from .settings import MAX_RETRY_WAIT, REQUEST_TIMEOUT, TOKEN_SETTING

TRANSIENT_STATUSES = frozenset({0, 500, 502, 503, 504})


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
        max_retries: int = 8,
        backoff: Backoff | None = None,
        search_pacer: Pacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
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
        self.max_retries = max_retries
        self.backoff = backoff or Backoff()
        self.search_pacer = search_pacer or Pacer(0)
        self.sleep = sleep
        self.stats = RequestStats()

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
        return [_object(r) for r in page.get("results") or []], following

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
        return [_object(r) for r in response.get("results") or []]

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
        results = [_object(r) for r in response.get("results") or []]
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
        )
        for error in getattr(response, "errors", None) or []:
            if error.category != "OBJECT_NOT_FOUND":
                raise HubSpotError(
                    f"HubSpot refused to read {from_type} -> {to_type} associations: {error.message}"
                )
        reads = []
        for result in response.results:
            links = [
                (str(target.to_object_id), int(kind.type_id), kind.label)
                for target in result.to or []
                for kind in target.association_types or []
            ]
            following = result.paging.next.after if result.paging and result.paging.next else None
            reads.append(AssociationRead(str(result._from.id), links, following))
        return reads

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
        attempt = 0
        while True:
            if search:
                self.search_pacer.wait()
            self.stats.requests += 1
            try:
                if not raw:
                    return method(*args, _request_timeout=REQUEST_TIMEOUT, **kwargs)
                response = method(
                    *args, _request_timeout=REQUEST_TIMEOUT, _preload_content=False, **kwargs
                )
                return json.loads(response.data)
            except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as error:
                reason, delay = "connection", self.backoff.delay(attempt)
                detail = f"{type(error).__name__} talking to {self.base_url}"
            except Exception as error:  # each SDK package has its own ApiException class
                if not hasattr(error, "status") or not hasattr(error, "body"):
                    raise
                reason, delay, detail = self._classify(what, error, attempt)
            if attempt >= self.max_retries:
                tries = "1 attempt" if attempt == 0 else f"{attempt + 1} attempts"
                raise HubSpotError(
                    f"Could not {what}: still failing after {tries} ({detail}). HubSpot may be "
                    "unavailable (or sources.hubspot.base_url wrong); run again later."
                )
            attempt += 1
            logger.info("retrying %s in %.2fs (%s)", what, delay, detail)
            self.stats.retried(reason, delay)
            self.sleep(delay)

    def _classify(self, what: str, error: Any, attempt: int) -> tuple[str, float, str]:
        """(reason, delay, detail) for a retryable error; raises for the others."""
        status = int(getattr(error, "status", 0) or 0)
        body = _decode(getattr(error, "body", None))
        if status == 401:
            raise SettingError(
                TOKEN_SETTING,
                "HubSpot rejected the access token (401 INVALID_AUTHENTICATION)",
                hint="Use a private app access token (Settings > Integrations > Private apps) "
                "that has not been rotated or revoked.",
            )
        if status == 403:
            raise SettingError(
                TOKEN_SETTING,
                f"the access token may not {what} (403 {_field(body, 'category') or 'MISSING_SCOPES'})",
                hint="Give the private app the crm.objects.*.read and crm.schemas.*.read scopes.",
            )
        if status == 429:
            policy = rate_limit_policy(body)
            if policy == DAILY:
                raise HubSpotError(
                    "HubSpot's daily API limit is used up; run again after midnight "
                    "(the portal's time zone). Nothing was written."
                )
            waited = retry_after_seconds(getattr(error, "headers", None))
            delay = min(MAX_RETRY_WAIT, waited) if waited else self.backoff.delay(attempt, policy)
            return f"429 {policy}", delay, f"429 {policy}"
        if status in TRANSIENT_STATUSES or status >= 500:
            return f"{status}", self.backoff.delay(attempt), f"HTTP {status}"
        message = _field(body, "message") or (body if isinstance(body, str) else "") or str(status)
        raise HubSpotError(
            f"HubSpot refused to {what}: HTTP {status}: {str(message)[:300]}", status
        )


def _object(result: dict[str, Any]) -> CrmObject:
    return CrmObject(
        id=str(result["id"]),
        properties=dict(result.get("properties") or {}),
        created_at=_instant(result.get("createdAt")),
        updated_at=_instant(result.get("updatedAt")),
        archived_at=_instant(result.get("archivedAt")),
    )


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


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
