"""The record of every request the sandbox answered, for tests and benchmarks."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class LoggedRequest:
    api: str
    method: str
    path: str  # below the API prefix, without the query string
    query: str
    status: int  # 0 for a dropped connection
    fault: str | None  # the injected fault, if any
    at: float  # server wall-clock seconds


class RequestLog:
    """Thread-safe, in-memory; optionally mirrored to a JSON-lines file."""

    def __init__(self, path: Path | None = None) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._path = path

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)
            if self._path is not None:
                with self._path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(asdict(entry)) + "\n")

    def entries(self, api: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            return [e for e in self._entries if api is None or e.api == api]

    def count(self, api: str | None = None, *, served_only: bool = False) -> int:
        """Requests seen; `served_only` leaves out injected faults."""
        return sum(1 for e in self.entries(api) if not (served_only and e.fault))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
