"""Records an API sends that cannot be read as documented: one error naming them.

The sources read the fields they depend on (primary key, modification time, the shapes
they flatten) through `RecordFields`. A record with its key or cursor field missing, or a
field of the wrong type, raises `MalformedRecord` while extracting, so the run stops before
anything is loaded: the runner discards what it extracted, no cursor or sync token moves
past the record, and the next run reads it again once the API sends it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NoReturn

from .timestamps import parse_timestamp

_EXPECTED = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true or false",
    dict: "an object",
    list: "a list",
}


class MalformedRecord(ValueError):
    """A record with a missing key or cursor field, or a field of the wrong type."""

    def __init__(self, record: str, field: str, problem: str) -> None:
        self.record, self.field = record, field
        super().__init__(
            f"{record}: field `{field}` {problem}. Nothing was loaded and no cursor moved: "
            "once the API sends this record whole, the next run loads it"
        )


def shown(value: Any, limit: int = 40) -> str:
    """A value as a message shows it: a scalar's repr, cut short, and its type; only the
    size of a list or object (their content may be long, or personal)."""
    if isinstance(value, Mapping):
        return f"an object of {len(value)} field(s)"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    text = repr(value)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{text} ({type(value).__name__})"


class RecordFields:
    """Checked reads of one record's fields. `name` says which record it is in messages
    ("Notion page <id> (table daily_habits)"); `prefix` places a nested object's fields."""

    def __init__(self, record: Any, name: str, prefix: str = "") -> None:
        self.name, self.prefix = name, prefix
        if not isinstance(record, Mapping):
            raise MalformedRecord(name, prefix.rstrip(".") or "(record)", _wrong(dict, record))
        self.record: Mapping[str, Any] = record

    def fail(self, field: str, problem: str) -> NoReturn:
        raise MalformedRecord(self.name, self.prefix + field, problem)

    def get(self, field: str, kind: type | tuple[type, ...], *, required: bool = False) -> Any:
        """The field's value; None when absent or null (MalformedRecord if `required`)."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.fail(field, "is missing")
            return None
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.fail(field, _wrong(kinds, value))
        return value

    def key(self, field: str) -> str:
        """A primary key: non-empty text (or a number, as text)."""
        value = self.get(field, (str, int), required=True)
        if not str(value).strip():
            self.fail(field, "is empty")
        return str(value)

    def timestamp(self, field: str, *, required: bool = False) -> datetime | None:
        """An ISO 8601 timestamp as an aware UTC datetime; "" counts as absent."""
        text = self.record.get(field)
        if text is None or text == "":
            if required:
                self.fail(field, "is missing" if text is None else "is empty")
            return None
        try:
            return parse_timestamp(text)
        except (AttributeError, TypeError, ValueError):  # not text, or text of no timestamp
            self.fail(field, f"should be an ISO 8601 timestamp, not {shown(text)}")

    def nested(self, field: str) -> RecordFields | None:
        """An object-valued field, its own fields checked the same way; None when absent."""
        value = self.get(field, dict)
        return None if value is None else RecordFields(value, self.name, self._path(field))

    def items(self, field: str) -> list[RecordFields]:
        """A list of objects (absent: empty), each item checked the same way."""
        return [
            RecordFields(item, self.name, f"{self._path(field)[:-1]}[{index}].")
            for index, item in enumerate(self.get(field, list) or [])
        ]

    def _path(self, field: str) -> str:
        return f"{self.prefix}{field}."


def keyed(record: Any, what: str, key: str, table: str, clues: Iterable[str] = ()) -> RecordFields:
    """The fields of a record named by its primary key: "<what> <key> (table <table>)".

    A record without a usable key is named by `clues`, paths of fields that still identify
    it ("url", "properties.hs_object_id", "metadata.sources.0.id").
    """
    found = [f"{path} {_dig(record, path)!r}" for path in clues if _dig(record, path)]
    named = f"{what} with {', '.join(found)}" if found else what
    anonymous = RecordFields(record, f"{named} (table {table})")
    return RecordFields(record, f"{what} {anonymous.key(key)} (table {table})")


def _dig(value: Any, path: str) -> Any:
    for step in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _wrong(kinds: type | tuple[type, ...], value: Any) -> str:
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    expected = " or ".join(dict.fromkeys(_EXPECTED.get(k, k.__name__) for k in kinds))
    return f"should be {expected}, not {shown(value)}"
