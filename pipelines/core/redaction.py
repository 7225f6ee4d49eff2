"""Keep secret values out of logs, errors and tracebacks.

Secrets are registered as they resolve; every log record and every message the entry
scripts print passes through `redact`, so a token echoed back by a library in an
exception still never reaches the terminal or Airflow's task log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

MASK = "***"
_MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words


class Redactor(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, value: object) -> None:
        text = str(value) if value is not None else ""
        if len(text) >= _MIN_SECRET_LENGTH:
            with self._lock:
                self._secrets.add(text)

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            import traceback

            record.exc_text = self.redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True

    def install(self) -> None:
        """Attach to the root logger's handlers and to every handler added later via the root."""
        for logger in (logging.getLogger(), logging.getLogger("dlt")):
            if self not in logger.filters:
                logger.addFilter(self)
            for handler in logger.handlers:
                if self not in handler.filters:
                    handler.addFilter(self)


redactor = Redactor()


def register_secrets(keys: Sequence[str]) -> list[str]:
    """Mask these settings' values in all output; returns the values that resolved."""
    import dlt

    values = []
    for key in keys:
        try:
            value = dlt.secrets.get(key)
        except Exception:  # unresolvable now: the source will report it by name
            continue
        if value:
            redactor.add(value)
            values.append(str(value))
    return values
