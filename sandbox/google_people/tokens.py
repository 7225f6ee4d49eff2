"""Opaque tokens of the sandbox Google APIs: access, sync and page tokens.

Access tokens are signed and carry their own expiry, so the OAuth endpoint and the
People API need no shared table. Sync tokens name the data version they cover and
the time of the full sync that began their chain: they expire seven days after it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

SYNC_TOKEN_LIFETIME = timedelta(days=7)
ACCESS_TOKEN_LIFETIME_SECONDS = 3599
_ACCESS_KEY = secrets.token_bytes(32)  # per process: tokens die with the sandbox
_MAX_CURSORS = 2000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()[:12])


def _seal(key: bytes, content: dict) -> str:
    payload = _b64(json.dumps(content, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_sign(key, payload)}"


def _unseal(key: bytes, token: str) -> dict | None:
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(key, payload)):
        return None
    try:
        content = json.loads(_unb64(payload))
    except ValueError:
        return None
    return content if isinstance(content, dict) else None


def issue_access_token(now: datetime, scope: str) -> str:
    expires = int(now.timestamp()) + ACCESS_TOKEN_LIFETIME_SECONDS
    return "ya29.a0" + _seal(_ACCESS_KEY, {"exp": expires, "scope": scope})


def access_token_valid(token: str | None, now: datetime) -> bool:
    if not token or not token.startswith("ya29.a0"):
        return False
    content = _unseal(_ACCESS_KEY, token.removeprefix("ya29.a0"))
    return content is not None and now.timestamp() < content.get("exp", 0)


@dataclass(frozen=True)
class SyncToken:
    kind: str  # "people" or "groups"
    version: int  # changes after this store version are still to be delivered
    origin: float  # epoch seconds of the full sync that began this chain
    generation: int  # bumped by ContactsStore.expire_sync_tokens()
    fingerprint: str  # the request parameters that must match on later calls

    def expired(self, now: datetime, generation: int) -> bool:
        lifetime = SYNC_TOKEN_LIFETIME.total_seconds()
        return self.generation < generation or now.timestamp() > self.origin + lifetime


class SyncTokens:
    """Encodes sync tokens; the key depends on the seed so they survive a restart."""

    def __init__(self, seed: int) -> None:
        self._key = hashlib.sha256(f"google-sync-{seed}".encode()).digest()

    def encode(self, token: SyncToken) -> str:
        return _seal(self._key, asdict(token))

    def decode(self, text: str) -> SyncToken | None:
        content = _unseal(self._key, text)
        if content is None:
            return None
        try:
            return SyncToken(**content)
        except TypeError:
            return None


@dataclass
class Cursor:
    """One listing in progress: the resource names fixed by its first page."""

    kind: str
    names: list[str]
    fingerprint: str
    sync_token: SyncToken | None  # handed out with the last page
    cursor_id: str = ""


class Cursors:
    """Server-side listings, addressed by page tokens."""

    def __init__(self) -> None:
        self._open: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, cursor: Cursor) -> None:
        cursor.cursor_id = secrets.token_hex(8)
        with self._lock:
            self._open[cursor.cursor_id] = cursor
            while len(self._open) > _MAX_CURSORS:
                self._open.popitem(last=False)

    def page_token(self, cursor: Cursor, offset: int) -> str:
        return _b64(f"{cursor.cursor_id}:{offset}".encode())

    def resume(self, page_token: str) -> tuple[Cursor, int] | None:
        try:
            cursor_id, _, offset = _unb64(page_token).decode("ascii").partition(":")
            position = int(offset)
        except (ValueError, UnicodeDecodeError):
            return None
        with self._lock:
            cursor = self._open.get(cursor_id)
        return (cursor, position) if cursor is not None and position >= 0 else None
