"""A controllable clock so tests can pin, freeze and advance sandbox time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Real UTC time by default; `freeze()` pins it and `advance()` moves it."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._frozen if self._frozen is not None else datetime.now(UTC)

    def freeze(self, at: datetime | None = None) -> datetime:
        with self._lock:
            self._frozen = (at or datetime.now(UTC)).astimezone(UTC)
            return self._frozen

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            base = self._frozen if self._frozen is not None else datetime.now(UTC)
            self._frozen = base + timedelta(**delta)
            return self._frozen

    def unfreeze(self) -> None:
        with self._lock:
            self._frozen = None
