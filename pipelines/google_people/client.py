"""HTTP side of the source: the People API client, paging and what Google's errors mean.

Retries follow the shared policy (pipelines.core.retry). Each attempt raises the error
that explains an answer which will not change (settings, an expired sync token); what
is left, and so retried, is transient: 408/429/5xx, 403 rate-limit reasons, a token
endpoint that did not answer, dropped connections.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Callable, Iterator

import httplib2
from dlt.extract.exceptions import DltSourceException
from google.auth.exceptions import RefreshError, TransportError
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest
from tenacity import RetryCallState

from ..core.retry import RetryPolicy, is_transient_status
from ..core.retry import retry_after_seconds as parse_retry_after
from ..core.settings import SettingError
from .credentials import RefreshingCredentials
from .settings import (
    CREDENTIALS_SECTION,
    GROUP_FIELDS,
    PERSON_FIELDS,
    RATE_LIMIT_REASONS,
    SETTINGS_SECTION,
)

logger = logging.getLogger(__name__)

# Dropped connections and timeouts as httplib2 and google-auth raise them (OSError covers
# the standard library's ConnectionError and TimeoutError).
TRANSIENT_ERRORS = (OSError, http.client.HTTPException, httplib2.HttpLib2Error, TransportError)
# What an attempt lets through: errors it did not turn into a final answer.
RETRIED_ERRORS = (HttpError, RefreshError, *TRANSIENT_ERRORS)
SCOPE_HINT = (
    "Authorise the OAuth client again with the scope "
    "https://www.googleapis.com/auth/contacts.readonly and store the new refresh token."
)


class SourceSettingError(SettingError, DltSourceException):
    """A SettingError raised during extraction; dlt passes DltSourceExceptions through
    unwrapped, so the entry script still reports it as a settings problem (exit 2)."""


class SyncTokenExpired(Exception):
    """The People API refused a sync token: a full sync without it is needed.

    Google documents an ErrorInfo reason EXPIRED_SYNC_TOKEN, its guide says 410, and
    real answers are 400 FAILED_PRECONDITION or INVALID_ARGUMENT, with or without the
    reason. Any 400 or 410 to a sync request therefore means "start over": a full sync
    is always correct, and a request that is wrong for another reason fails there.
    """


class GoogleApiError(Exception):
    """A request failed for good (retries exhausted or an unexpected answer)."""


class PeopleClient:
    """People API v1 through google-api-python-client, pointed at `base_url`."""

    def __init__(
        self,
        credentials: RefreshingCredentials,
        *,
        base_url: str,
        page_size: int,
        retry: RetryPolicy,
        timeout_seconds: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.credentials = credentials
        self.base_url = base_url
        self.retry = retry
        self._sleep = sleep
        # What the API requires to stay the same across the pages and syncs of a listing.
        self.connection_parameters = {
            "personFields": ",".join(PERSON_FIELDS),
            "pageSize": page_size,
            "requestSyncToken": True,
        }
        self.group_parameters = {"groupFields": ",".join(GROUP_FIELDS), "pageSize": page_size}
        authorized = AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout_seconds))
        self.service = build(
            "people",
            "v1",
            http=authorized,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": base_url},
        )

    # -- listings -------------------------------------------------------------------
    def connection_pages(self, sync_token: str | None) -> Iterator[dict]:
        """Pages of people/me/connections: everyone, or the changes since `sync_token`."""
        connections = self.service.people().connections()
        params = {"resourceName": "people/me", **self.connection_parameters}
        yield from self._pages(connections, params, sync_token)

    def contact_group_pages(self, sync_token: str | None) -> Iterator[dict]:
        """Pages of contactGroups: all of them, or the changes since `sync_token`."""
        yield from self._pages(self.service.contactGroups(), self.group_parameters, sync_token)

    def _pages(self, collection, params: dict, sync_token: str | None) -> Iterator[dict]:
        if sync_token:
            params = {**params, "syncToken": sync_token}
        request: HttpRequest | None = collection.list(**params)
        while request is not None:
            response = self.execute(request, syncing=bool(sync_token))
            yield response
            request = collection.list_next(request, response)

    # -- one request, retried -------------------------------------------------------
    def execute(self, request: HttpRequest, *, syncing: bool = False) -> dict:
        def attempt() -> dict:
            try:
                return request.execute(num_retries=0)
            except HttpError as error:
                self._raise_unless_retryable(error, syncing)
                raise
            except RefreshError as error:
                self._check_refresh(error)
                raise

        retrying = self.retry.retrying(
            is_transient=lambda error: isinstance(error, RETRIED_ERRORS),
            server_wait=_retry_after,
            sleep=self._sleep,
            before_sleep=self._log_retry,
        )
        try:
            return retrying(attempt)
        except RETRIED_ERRORS as error:
            raise GoogleApiError(
                f"Google kept failing after {self.retry.attempts} attempts; last error: "
                f"{self._describe(error)}. Check {SETTINGS_SECTION}.base_url and "
                f"{SETTINGS_SECTION}.token_uri, the network, and Google's status page."
            ) from None

    def _log_retry(self, state: RetryCallState) -> None:
        logger.info(
            "Google request failed (%s), attempt %d of %d",
            self._describe(state.outcome.exception()),
            state.attempt_number,
            self.retry.attempts,
        )

    def _describe(self, error: Exception | None) -> str:
        if isinstance(error, HttpError):
            info = _error_body(error)
            return f"HTTP {error.resp.status} {info.get('status', '')}".strip()
        if isinstance(error, RefreshError):
            return f"token endpoint answered HTTP {self.credentials.last_refresh_status}"
        return f"{type(error).__name__}: {error}" if error else "unknown"

    def _raise_unless_retryable(self, error: HttpError, syncing: bool) -> None:
        """Return to retry; raise the meaningful error for answers that will not change."""
        status, info = error.resp.status, _error_body(error)
        reason = _reason(info)
        if syncing and status in (400, 410):
            code = reason or info.get("status") or ""
            raise SyncTokenExpired(
                f"Google refused the sync token (HTTP {status} {code}: {info.get('message', '')})."
            ) from None
        if is_transient_status(status) or (status == 403 and reason in RATE_LIMIT_REASONS):
            return
        detail = f"HTTP {status} {info.get('status', '')}: {info.get('message', '')}".strip()
        if status == 401:
            raise SourceSettingError(
                f"{CREDENTIALS_SECTION}.refresh_token",
                f"the People API refused the access token these credentials produced ({detail})",
                hint=SCOPE_HINT,
            ) from None
        if status == 403:
            raise SourceSettingError(
                f"{CREDENTIALS_SECTION}.refresh_token",
                f"the People API denied access ({detail})",
                hint=SCOPE_HINT + " The People API must be enabled in the client's project.",
            ) from None
        if status == 404:
            raise SourceSettingError(
                f"{SETTINGS_SECTION}.base_url",
                f"no People API answers at {self.base_url} (HTTP 404)",
                secret=False,
            ) from None
        raise GoogleApiError(f"People API request failed: {detail}") from None

    def _check_refresh(self, error: RefreshError) -> None:
        """Raise a settings error when the token endpoint refused us; return to retry."""
        status = self.credentials.last_refresh_status
        body = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], dict) else {}
        code = str(body.get("error", ""))
        if code == "invalid_grant":
            raise SourceSettingError(
                f"{CREDENTIALS_SECTION}.refresh_token",
                "Google refused the OAuth refresh token (invalid_grant: expired or revoked)",
                hint=SCOPE_HINT,
            ) from None
        if code in ("invalid_client", "unauthorized_client"):
            raise SourceSettingError(
                f"{CREDENTIALS_SECTION}.client_id",
                f"Google refused the OAuth client ({code}); check client_id and client_secret, "
                "and that the refresh token was issued to this client",
            ) from None
        if status is None or is_transient_status(status):
            return
        if status == 404:
            raise SourceSettingError(
                f"{SETTINGS_SECTION}.token_uri",
                "no OAuth token endpoint answers at this address (HTTP 404)",
                secret=False,
            ) from None
        raise SourceSettingError(
            f"{CREDENTIALS_SECTION}.refresh_token",
            f"the OAuth token endpoint refused the refresh ({code or f'HTTP {status}'})",
            hint=SCOPE_HINT,
        ) from None


def _error_body(error: HttpError) -> dict:
    """The `error` object of Google's JSON error body; {} for HTML pages."""
    try:
        body = json.loads(error.content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return {}
    inner = body.get("error") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else {}


def _reason(info: dict) -> str | None:
    """The ErrorInfo reason, or the legacy errors[].reason."""
    for detail in info.get("details") or []:
        if isinstance(detail, dict) and detail.get("reason"):
            return str(detail["reason"])
    for item in info.get("errors") or []:
        if isinstance(item, dict) and item.get("reason"):
            return str(item["reason"])
    return None


def _retry_after(error: BaseException | None) -> float | None:
    if isinstance(error, HttpError):
        return parse_retry_after(error.resp.get("retry-after"))
    return None
