"""The one retry policy of the Notion, HubSpot and Google clients.

Rules (the defaults of `RetryPolicy`):

- Attempts: 8 tries of a request in all, the first one included.
- Back-off: 1 s before the first retry, doubling for each one after (1, 2, 4 ... 64 s),
  times a random factor between 0.5 and 1.5 so that parallel workers spread out while
  the average stays the doubling series.
- Retry-After: the server knows its own window, so the wait is
  max(jittered back-off, Retry-After). A client may also name a wait its API implies
  without the header (HubSpot's one-second search window); it counts the same way.
- Cap: no single wait is longer than 120 s, a longer Retry-After included. 120 s is the
  longest Retry-After a client honoured before (Notion's), so no API is retried sooner
  than it used to be; it outlasts every short-term window of the three APIs (HubSpot's
  ten seconds, Google's per-minute quotas). A server asking for more is down or out of
  quota, and failing the run beats holding it: the next scheduled run starts again.
- Transient: 408, 429, 500, 502, 503 and 504 answers, dropped connections and timeouts.
  Anything else is an answer that will not change, raised at once.

The clients keep the knowledge of their APIs: which of their SDK's exceptions is one of
these transient failures, where the Retry-After is, and the answers that look transient
but are not (HubSpot's used-up daily limit) or are although their status is not listed
(Google's 403 rate-limit reasons). The retry loop itself is tenacity's (`retrying`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import tenacity

DEFAULT_ATTEMPTS = 8
DEFAULT_BACKOFF_SECONDS = 1.0
MAX_WAIT_SECONDS = 120.0
JITTER = (0.5, 1.5)
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Dropped connections and timeouts as the standard library names them; each client adds
# its HTTP library's own exception types.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)

_MAX_DOUBLINGS = 64  # past this the cap has long been reached; keeps 2**n finite


def is_transient_status(status: int | None) -> bool:
    """An HTTP status worth another attempt of the same request."""
    return status in TRANSIENT_STATUSES


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try and how long to wait; tests make it instant with backoff 0."""

    attempts: int = DEFAULT_ATTEMPTS
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS
    max_wait_seconds: float = MAX_WAIT_SECONDS
    jitter: tuple[float, float] = JITTER

    def __post_init__(self) -> None:
        # settings come from users: at least one attempt, never a negative wait
        object.__setattr__(self, "attempts", max(1, int(self.attempts)))
        object.__setattr__(self, "backoff_seconds", max(0.0, float(self.backoff_seconds)))

    def backoff(self, retry: int) -> float:
        """The jittered, capped back-off before retry number `retry` (1 for the first)."""
        doublings = min(max(0, retry - 1), _MAX_DOUBLINGS)
        nominal = self.backoff_seconds * 2**doublings
        return min(self.max_wait_seconds, nominal * random.uniform(*self.jitter))

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """The wait before retry number `retry`: back-off or Retry-After, whichever is
        longer, capped at `max_wait_seconds`."""
        wait = self.backoff(retry)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.max_wait_seconds)

    def retrying(
        self,
        *,
        is_transient: Callable[[BaseException], bool],
        server_wait: Callable[[BaseException], float | None] = lambda _: None,
        sleep: Callable[[float], None] = time.sleep,
        before_sleep: Callable[[tenacity.RetryCallState], None] | None = None,
    ) -> tenacity.Retrying:
        """A tenacity loop of this policy: `is_transient` and `server_wait` (the
        Retry-After a failure carries) are the client's reading of its SDK's errors.

        The last error is re-raised when attempts run out or an error is not transient.
        """

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            retry_after = server_wait(error) if error is not None else None
            return self.delay(state.attempt_number, retry_after)

        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_transient),
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=wait,
            sleep=sleep,
            before_sleep=before_sleep,
            reraise=True,
        )


def retry_after_seconds(value: object) -> float | None:
    """Seconds to wait from a Retry-After header value (delay-seconds or an HTTP date,
    RFC 9110); None when absent or unreadable."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None
