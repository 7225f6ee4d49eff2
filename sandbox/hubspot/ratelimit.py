"""HubSpot's documented limits and its 429 answers, which name the limit that ran out.

The ten-secondly and daily limits count every request except search, which has its own
per-second limit. A limit that refuses a request notes its policy for the thread that
answers, so the 429 body can say which one it was.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from ..faults import RateLimit
from ..wire import Response


@dataclass
class PolicyLimit(RateLimit):
    """A documented limit that remembers, per thread, that it refused a request."""

    policy: str = "TEN_SECONDLY_ROLLING"
    tripped: threading.local | None = None

    def admit(self, now: float | None = None) -> float:
        wait = super().admit(now)
        if wait > 0 and self.tripped is not None:
            self.tripped.policy = self.policy
        return wait


def rate_limited(policy: str, retry_after: int) -> Response:
    """The 429 for `policy`; the ten-secondly one also carries the X-HubSpot-RateLimit headers."""
    headers = {"Retry-After": str(retry_after)} if retry_after > 0 else {}
    if policy == "TEN_SECONDLY_ROLLING":
        headers |= {
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": "100",
            "X-HubSpot-RateLimit-Remaining": "0",
        }
    return Response(429, rate_limit_body(policy), headers)


def rate_limit_body(policy: str) -> dict[str, Any]:
    """The three 429 bodies HubSpot sends (captured from the real service)."""
    correlation = str(uuid.uuid4())
    if policy == "SECONDLY":  # the search endpoints' per-second limit
        return {
            "status": "error",
            "message": "You have reached your secondly limit.",
            "correlationId": correlation,
            "category": "RATE_LIMITS",
        }
    if policy == "DAILY":
        return {
            "status": "error",
            "message": "You have reached your daily limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": correlation,
            "policyName": "DAILY",
            "requestId": str(uuid.uuid4()),
        }
    return {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": correlation,
        "policyName": "TEN_SECONDLY_ROLLING",
        "groupName": "publicapi:private_app-api-calls-ten-secondly:sandbox",
    }
