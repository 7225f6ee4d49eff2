"""The Notion endpoints the source reads, through the official SDK, with robust retries.

notion-client retries only 429 (and 5xx only for GET/DELETE); a data source query is a
POST and must survive 5xx and dropped connections too. So the SDK's own retries are off
and every call follows the shared policy (pipelines.core.retry); this module only says
which of Notion's failures are transient and what its Retry-After is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import notion_client
import tenacity
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from pipelines.core.retry import CONNECTION_ERRORS, RetryPolicy, is_transient_status
from pipelines.core.retry import retry_after_seconds as parse_retry_after
from pipelines.core.settings import SettingError
from pipelines.core.timestamps import parse_optional_timestamp

from . import settings

log = logging.getLogger(__name__)

API_KEY_SETTING = "sources.notion.api_key"
DATABASES_SETTING = "sources.notion.databases"
TRANSPORT_ERRORS = (httpx.TransportError, RequestTimeoutError, *CONNECTION_ERRORS)


class NotionRequestFailed(Exception):
    """Notion refused a request for a reason a retry cannot fix (or retries ran out)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def is_transient(error: BaseException) -> bool:
    """Worth another attempt: the shared transient answers, Notion's own retryable ones,
    timeouts and dropped connections."""
    if isinstance(error, HTTPResponseError):
        return (
            is_transient_status(error.status) or error.status in settings.NOTION_TRANSIENT_STATUSES
        )
    return isinstance(error, TRANSPORT_ERRORS)


def retry_after_seconds(error: BaseException) -> float | None:
    """The server's Retry-After (seconds or an HTTP date), if it sent one."""
    if not isinstance(error, HTTPResponseError):
        return None
    return parse_retry_after(error.headers.get("retry-after"))


def describe(error: BaseException) -> str:
    if isinstance(error, HTTPResponseError):
        return f"HTTP {error.status} {getattr(error.code, 'value', error.code)}: {error}"
    return f"{type(error).__name__}: {error}"


class NotionClient:
    """Reads databases, data sources, pages and page properties; one retry policy for all."""

    def __init__(
        self,
        api_key: str,
        base_url: str = settings.DEFAULT_BASE_URL,
        *,
        retry: RetryPolicy | None = None,
        timeout_seconds: float = settings.REQUEST_TIMEOUT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._sdk = notion_client.Client(
            auth=api_key,
            base_url=normalise_base_url(base_url),
            notion_version=settings.NOTION_VERSION,
            timeout_ms=int(timeout_seconds * 1000),
            retry=False,
            logger=logging.getLogger(f"{__name__}.sdk"),
            log_level=logging.CRITICAL,  # the SDK would log each failed attempt at WARNING
        )

    # -- endpoints -------------------------------------------------------------------
    def database(self, database_id: str) -> dict[str, Any] | None:
        """The database (with its data source list), or None when not found or not shared.

        A 400 also reads as "not a database": a data source id may be answered either way.
        """
        return self._optional(
            "database", self._sdk.databases.retrieve, (400, 404), database_id=database_id
        )

    def data_source(self, data_source_id: str) -> dict[str, Any] | None:
        """The data source with its property schema, or None when not found or not shared."""
        return self._optional(
            "data source",
            self._sdk.data_sources.retrieve,
            (400, 404),
            data_source_id=data_source_id,
        )

    def page(self, page_id: str) -> dict[str, Any] | None:
        """One page (also a trashed one), or None when it is gone or no longer shared."""
        return self._optional("page", self._sdk.pages.retrieve, (404,), page_id=page_id)

    def query_pages(
        self,
        data_source_id: str,
        *,
        by: str = "last_edited_time",
        since: datetime | None = None,
        filter_properties: list[str] | None = None,
        page_size: int = settings.PAGE_SIZE,
        in_trash: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Every page of a data source with `by` on or after `since` (all when None).

        `in_trash=True` asks for the pages in the trash instead. The query's `in_trash`
        body parameter (API 2025-09-03, "Query a data source"; typed in both official
        SDKs) filters by trash status: true returns only trashed pages, as the SDK's
        documentation puts it; by default a query returns none of them.

        Results are asked oldest `by` first. One query returns at most 10,000 results:
        past that, `has_more` is false and a response (any of them) carries
        `request_status.type = "incomplete"`. The read then goes on with a new query from
        the newest `by` seen, so a page may come twice; callers keep the later copy.
        """
        anchor = since
        while True:
            newest: datetime | None = None
            incomplete = False
            for response in self._query_responses(
                data_source_id, by, anchor, filter_properties, page_size, in_trash
            ):
                status = response.get("request_status") or {}
                incomplete = incomplete or status.get("type") == "incomplete"
                for page in response.get("results") or []:
                    try:  # only to go on past the limit; the sync names a malformed page
                        stamp = parse_optional_timestamp(page.get(by))
                    except (AttributeError, TypeError, ValueError):
                        stamp = None
                    if stamp is not None and (newest is None or stamp > newest):
                        newest = stamp
                    yield page
            if not incomplete:
                return
            if newest is None or (anchor is not None and newest <= anchor):
                raise NotionRequestFailed(
                    f"Notion query of data source {data_source_id} stopped at its result "
                    f"limit, and more pages than that share {by} {newest}: it cannot be read "
                    "in windows of that timestamp."
                )
            log.info(
                "Notion data source %s: result limit reached; reading on from %s",
                data_source_id,
                notion_time(newest),
            )
            anchor = newest

    def _query_responses(
        self,
        data_source_id: str,
        by: str,
        since: datetime | None,
        filter_properties: list[str] | None,
        page_size: int,
        in_trash: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """The responses of one query, following next_cursor."""
        arguments: dict[str, Any] = {
            "data_source_id": data_source_id,
            "page_size": page_size,
            "sorts": [{"timestamp": by, "direction": "ascending"}],
        }
        if since is not None:
            arguments["filter"] = {"timestamp": by, by: {"on_or_after": notion_time(since)}}
        if filter_properties:
            arguments["filter_properties"] = filter_properties
        if in_trash:
            arguments["in_trash"] = True
        cursor = None
        while True:
            response = self._call(
                "query data source", self._sdk.data_sources.query, start_cursor=cursor, **arguments
            )
            yield response
            cursor = response.get("next_cursor")
            if not response.get("has_more") or not cursor:
                return

    def property_items(
        self, page_id: str, property_id: str, page_size: int = settings.PAGE_SIZE
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Every item of a paginated page property and the last `property_item` summary."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            response = self._call(
                "read page property",
                self._sdk.pages.properties.retrieve,
                page_id=page_id,
                property_id=property_id,
                page_size=page_size,
                start_cursor=cursor,
            )
            if response.get("object") != "list":  # a simple property: one item
                return [response], response
            items.extend(response.get("results", []))
            cursor = response.get("next_cursor")
            if not response.get("has_more") or not cursor:
                return items, response.get("property_item") or {}

    # -- plumbing --------------------------------------------------------------------
    def _optional(
        self, what: str, method: Callable[..., Any], absent: tuple[int, ...], **arguments: Any
    ) -> Any:
        try:
            return self._call(f"read {what}", method, **arguments)
        except NotionRequestFailed as error:
            if error.status in absent:
                return None
            raise

    def _call(self, what: str, method: Callable[..., Any], **arguments: Any) -> dict[str, Any]:
        arguments = {k: v for k, v in arguments.items() if v is not None}
        attempts = self.retry.attempts
        retrying = self.retry.retrying(
            is_transient=is_transient,
            server_wait=retry_after_seconds,
            sleep=self._sleep,
            before_sleep=lambda state: self._log_retry(what, state),
        )
        try:
            return retrying(method, **arguments)
        except HTTPResponseError as error:
            self._raise_for_access(error)
            raise NotionRequestFailed(
                f"Notion {what} failed ({describe(error)})"
                + (f" after {attempts} attempts" if is_transient(error) else ""),
                error.status,
            ) from error
        except TRANSPORT_ERRORS as error:
            raise NotionRequestFailed(
                f"Notion {what} failed after {attempts} attempts ({describe(error)})"
            ) from error

    def _log_retry(self, what: str, state: tenacity.RetryCallState) -> None:
        log.info(
            "Notion %s: %s; retry %d of %d in %.2f s",
            what,
            describe(state.outcome.exception()),
            state.attempt_number,
            self.retry.attempts - 1,
            state.next_action.sleep if state.next_action else 0.0,
        )

    @staticmethod
    def _raise_for_access(error: HTTPResponseError) -> None:
        if error.status == 401:
            raise SettingError(
                API_KEY_SETTING,
                "Notion rejected the integration token (401 unauthorized)",
                hint="Copy the token of your internal integration from "
                "https://www.notion.so/profile/integrations.",
            ) from None
        if error.status == 403:
            raise SettingError(
                DATABASES_SETTING,
                "the Notion integration may not read a configured database (403 "
                "restricted_resource)",
                secret=False,
                hint="Give the integration read content capability and share the databases "
                "with it (database menu -> Connections).",
            ) from None


def normalise_base_url(base_url: str) -> str:
    """The SDK appends /v1/ itself; accept the root with or without it."""
    url = (base_url or settings.DEFAULT_BASE_URL).rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def notion_time(moment: datetime) -> str:
    """A filter bound in the form Notion writes timestamps (UTC, milliseconds, 'Z')."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
