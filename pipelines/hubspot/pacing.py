"""Client-side pacing of search requests, so a long sync rarely meets HubSpot's 429."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


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
