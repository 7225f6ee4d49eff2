"""Staying within HubSpot's rate limits and surviving transient failures.

HubSpot answers 429 with a body naming the policy that tripped: the ten-secondly burst
limit (retry after a back-off), the search endpoints' per-second limit (retry after
about a second) or the daily limit (stop: retrying cannot help until tomorrow).
5xx answers and dropped connections are retried with exponential back-off and jitter.
Search requests are also paced on the client so a long sync rarely meets a 429.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.runtime.retry_after import retry_after_seconds as parse_retry_after

TEN_SECONDLY = "TEN_SECONDLY_ROLLING"
SECONDLY = "SECONDLY"
DAILY = "DAILY"


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


def retry_after_seconds(headers: Any) -> float | None:
    """The Retry-After header in seconds, when the response carries one."""
    if not headers:
        return None
    return parse_retry_after(headers.get("Retry-After") if hasattr(headers, "get") else None)


@dataclass
class Backoff:
    """Exponential back-off with jitter, in units of `base_seconds`.

    The ten-secondly window needs up to ten seconds to drain, the search limit one
    second; tests shrink `base_seconds` to keep retries instant.
    """

    base_seconds: float = 1.0
    max_seconds: float = 10.0
    jitter: Callable[[], float] = field(default=lambda: random.uniform(0.5, 1.0))

    def delay(self, attempt: int, policy: str | None = None) -> float:
        if policy == SECONDLY:
            return self.base_seconds * (1.0 + self.jitter() * 0.2)
        ceiling = self.max_seconds * self.base_seconds
        return min(ceiling, self.base_seconds * (2**attempt)) * self.jitter()


class Pacer:
    """At most `per_second` calls in any one-second window (0 turns pacing off)."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until a call may go out; returns the seconds waited."""
        if self.per_second <= 0:
            return 0.0
        capacity = max(1, int(self.per_second))
        window = capacity / self.per_second
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                while self._stamps and now - self._stamps[0] >= window:
                    self._stamps.popleft()
                if len(self._stamps) < capacity:
                    self._stamps.append(now)
                    return waited
                pause = window - (now - self._stamps[0])
                self._sleep(pause)
                waited += pause
