"""Which HubSpot failures are worth another try, and how long HubSpot asks us to wait.

The policy itself (attempts, back-off, cap) is the shared one in pipelines.core.retry.
HubSpot answers 429 with a body naming the limit that tripped: the ten-secondly burst
limit (retry after a back-off), the search endpoints' per-second limit (retry after
about a second) or the daily limit (stop: retrying cannot help until tomorrow).
"""

from __future__ import annotations

import json
from typing import Any

import urllib3

from pipelines.core.retry import CONNECTION_ERRORS, is_transient_status
from pipelines.core.retry import retry_after_seconds as parse_retry_after

TEN_SECONDLY = "TEN_SECONDLY_ROLLING"
SECONDLY = "SECONDLY"
DAILY = "DAILY"
SEARCH_WINDOW_SECONDS = 1.0  # the search limit's window: waiting it out frees a slot
# urllib3 raises its own errors for dropped connections and timeouts; the SDK wraps a
# failed TLS handshake into an ApiException with status 0 (no answer at all).
TRANSPORT_ERRORS = (urllib3.exceptions.HTTPError, *CONNECTION_ERRORS)
NO_ANSWER = 0


def is_api_error(error: BaseException) -> bool:
    """An SDK ApiException (each SDK package has its own class): status and body."""
    return hasattr(error, "status") and hasattr(error, "body")


def status_of(error: BaseException) -> int:
    return int(getattr(error, "status", 0) or 0)


def rate_limit_policy(body: Any) -> str:
    """Which limit a 429 body names: TEN_SECONDLY_ROLLING, SECONDLY or DAILY."""
    try:
        data = json.loads(body) if isinstance(body, (str, bytes)) else body
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return TEN_SECONDLY
    policy = str(data.get("policyName") or "").upper()
    message = str(data.get("message") or "").lower()
    if policy == DAILY or "daily limit" in message:
        return DAILY
    if "secondly limit" in message and "ten" not in message:
        return SECONDLY
    return TEN_SECONDLY


def is_transient(error: BaseException) -> bool:
    """Dropped connections and the shared transient answers, except a used-up daily limit."""
    if isinstance(error, TRANSPORT_ERRORS):
        return True
    if not is_api_error(error):
        return False
    status = status_of(error)
    if status == 429:
        return rate_limit_policy(getattr(error, "body", None)) != DAILY
    return status == NO_ANSWER or is_transient_status(status)


def server_wait(error: BaseException) -> float | None:
    """Retry-After when sent; for the search limit without one, its one-second window."""
    headers = getattr(error, "headers", None)
    waited = parse_retry_after(headers.get("Retry-After")) if hasattr(headers, "get") else None
    if waited is not None or status_of(error) != 429:
        return waited
    if rate_limit_policy(getattr(error, "body", None)) == SECONDLY:
        return SEARCH_WINDOW_SECONDS
    return None


def retry_reason(error: BaseException) -> str:
    """A short name for counting retries: "connection", "429 <policy>" or the status."""
    if not is_api_error(error):
        return "connection"
    status = status_of(error)
    if status == 429:
        return f"429 {rate_limit_policy(getattr(error, 'body', None))}"
    return str(status)
