"""Keep secret values out of logs, errors and tracebacks.

Secrets are registered as they resolve; every log record and every message the entry
scripts print passes through `redact`, so a token echoed back by a library in an
exception still never reaches the terminal or Airflow's task log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

MASK = "***"
_MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words


class Redactor(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._listeners: list[Callable[[str], object]] = []
        self._lock = threading.Lock()

    def add(self, value: object) -> None:
        text = str(value) if value is not None else ""
        if len(text) < _MIN_SECRET_LENGTH:
            return
        with self._lock:
            new = text not in self._secrets
            self._secrets.add(text)
            listeners = list(self._listeners)
        if new:
            for listener in listeners:
                listener(text)

    def subscribe(self, listener: Callable[[str], object]) -> None:
        """Also hand every secret, known now or found later, to `listener`.

        Airflow's log masker only knows the secrets it is told of; tokens obtained during
        a run (Google access tokens) reach it through here.
        """
        with self._lock:
            if listener in self._listeners:
                return
            self._listeners.append(listener)
            known = list(self._secrets)
        for text in known:
            listener(text)

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record's message; a traceback is rendered, masked and folded into the
        message, since formatters differ in what they print of `exc_info`/`exc_text`
        (structlog's, which Airflow uses, prints only `exc_info`)."""
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            import traceback

            trace = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            redacted = f"{redacted}\n{self.redact(trace)}"
            record.exc_info = record.exc_text = None
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

    def install(self) -> None:
        """Attach to the root and dlt loggers and to the handlers they have now.

        Records of other loggers reach a handler without passing the root logger's own
        filters, so it is the handlers' filter that masks them: call this again after
        logging is configured anew (new handlers).
        """
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
