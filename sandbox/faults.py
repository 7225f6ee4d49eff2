"""Fault injection and documented rate limits for the sandbox APIs.

Faults are drawn from a seeded generator so a failing test can be replayed: each
request to a targeted API takes the next draw, in the order requests arrive, whatever
kind comes out. A fault is one of:

- "429": the API's own rate-limit answer. `retry_after` seconds travel in Retry-After
  where the real API sends that header: always on Notion (integer seconds, "0" too),
  on HubSpot when non-zero; Google's People API and token endpoint send none (their
  429 body names the quota, no header), so there the setting has no effect.
- "5xx": a 500, 502 or 503 in the API's error shape.
- "drop": the connection closes before any status line.
- "slow": the API's real answer, sent only after `slow_seconds`: a client whose request
  timeout is shorter gives up (a read timeout) and retries on a new connection. The
  waiting answer holds only its own connection (the server is threaded); when its
  client is gone the late answer goes nowhere, quietly.
- "truncate": the API's real answer cut part-way, as a network failure or a proxy
  losing its upstream produces it: status line and headers whole, Content-Length the
  full body's, then half of the body and the connection closes. The HTTP client sees
  a body shorter than announced (h11's RemoteProtocolError under httpx, urllib3's
  IncompleteRead, http.client's IncompleteRead under httplib2), not a short JSON
  document that claims to be complete. A reply without a body cannot be cut: it goes
  out whole and is logged without a fault.

"slow" and "truncate" are opt-in (not in DEFAULT_FAULT_KINDS): a slow fault only
tests something when the client's timeout is set below `slow_seconds`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field

FAULT_KINDS = ("429", "5xx", "drop", "slow", "truncate")
DEFAULT_FAULT_KINDS = ("429", "5xx", "drop")
DEFAULT_SLOW_SECONDS = 5.0


@dataclass
class FaultPlan:
    rate: float = 0.0
    kinds: tuple[str, ...] = DEFAULT_FAULT_KINDS
    apis: frozenset[str] | None = None  # None: every API
    retry_after: int = 0  # seconds sent in Retry-After on injected 429s
    seed: int = 0
    slow_seconds: float = DEFAULT_SLOW_SECONDS  # how late a "slow" answer comes

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; choose from {FAULT_KINDS}")
        if not self.kinds:
            raise ValueError(f"no fault kinds; choose from {FAULT_KINDS}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        if self.retry_after < 0:
            raise ValueError("retry_after must not be negative")
        if self.slow_seconds < 0:
            raise ValueError("slow_seconds must not be negative")


class FaultInjector:
    """Decides, request by request, whether to inject a fault."""

    def __init__(self) -> None:
        self._plan = FaultPlan()
        self._rng = random.Random(0)
        self._lock = threading.Lock()

    @property
    def plan(self) -> FaultPlan:
        return self._plan

    def configure(self, plan: FaultPlan) -> None:
        with self._lock:
            self._plan = plan
            self._rng = random.Random(plan.seed)

    def clear(self) -> None:
        self.configure(FaultPlan())

    def draw(self, api: str) -> str | None:
        with self._lock:
            plan = self._plan
            if plan.rate <= 0 or (plan.apis is not None and api not in plan.apis):
                return None
            if self._rng.random() >= plan.rate:
                return None
            kind = self._rng.choice(plan.kinds)
            return self._rng.choice(("500", "502", "503")) if kind == "5xx" else kind


@dataclass
class RateLimit:
    """At most `requests` per `per_seconds`, over a sliding window."""

    requests: int
    per_seconds: float
    _stamps: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, now: float | None = None) -> float:
        """0 when admitted; otherwise the seconds until a slot frees up."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._stamps and now - self._stamps[0] >= self.per_seconds:
                self._stamps.popleft()
            if len(self._stamps) < self.requests:
                self._stamps.append(now)
                return 0.0
            return self.per_seconds - (now - self._stamps[0])
