"""POST /crm/v3/objects/{type}/search: filters, sorts, paging and the 10,000-result cap.

Filter groups are OR-ed, filters inside a group AND-ed. Values compare by the
property's type: numbers numerically, datetime and date properties as instants
(filter values may be epoch milliseconds or ISO 8601), everything else as
case-insensitive text. Archived and merged-away records are never returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from .catalog import PropertySpec
from .store import CrmRecord

MAX_LIMIT = 200
DEFAULT_LIMIT = 10
RESULT_CAP = 10_000
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 10, 25
OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)


class SearchError(ValueError):
    """A request the real endpoint rejects with 400 VALIDATION_ERROR."""


@dataclass(frozen=True)
class SearchPage:
    total: int
    records: list[CrmRecord]
    next_after: str | None
    properties: list[str] | None  # None: the endpoint's default set


@lru_cache(maxsize=200_000)
def instant_ms(raw: str) -> float | None:
    """Epoch milliseconds of an epoch-ms string, an ISO datetime or a YYYY-MM-DD date."""
    text = raw.strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+", text):
        return float(text)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment.timestamp() * 1000


def _comparable(spec: PropertySpec | None, raw: Any) -> Any:
    if raw is None:
        return None
    text = str(raw)
    kind = spec.type if spec else "string"
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return None
    if kind in ("datetime", "date"):
        return instant_ms(text)
    return text.lower()


def run_search(
    records: list[CrmRecord],
    body: dict[str, Any],
    spec_for: Callable[[str], PropertySpec | None],
) -> SearchPage:
    limit = body.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or limit < 0:
        raise SearchError("limit must be a non-negative integer")
    if limit > MAX_LIMIT:
        raise SearchError(f"limit must be less than or equal to {MAX_LIMIT}")
    offset = _offset(body.get("after"))
    groups = body.get("filterGroups") or []
    _check_filter_counts(groups)
    matchers = [[_matcher(f, spec_for) for f in group.get("filters") or []] for group in groups]
    query = (body.get("query") or "").strip().lower()

    def keep(record: CrmRecord) -> bool:
        if matchers and not any(all(m(record) for m in group) for group in matchers):
            return False
        return not query or _matches_query(record, query)

    found = [r for r in records if keep(r)]
    found.sort(key=lambda r: int(r.id))
    for name, descending in reversed(_sorts(body.get("sorts") or [])):
        spec = spec_for(name)
        keyed = [(_comparable(spec, _value(r, name)), r) for r in found]
        present = [pair for pair in keyed if pair[0] is not None]
        present.sort(key=lambda pair: pair[0], reverse=descending)  # stable: ties keep id order
        found = [r for _, r in present] + [r for key, r in keyed if key is None]
    total = len(found)
    window = found[offset : min(offset + limit, RESULT_CAP)]
    following = offset + limit
    next_after = str(following) if following < total else None
    properties = body.get("properties")
    return SearchPage(total, window, next_after, list(properties) if properties else None)


def _offset(after: Any) -> int:
    if after in (None, ""):
        return 0
    try:
        offset = int(str(after))
    except ValueError:
        raise SearchError(f"after must be a numeric paging cursor, got {after!r}") from None
    if offset >= RESULT_CAP:
        raise SearchError(
            f"Paging beyond {RESULT_CAP} results is not supported (after={offset}); "
            "narrow the filter instead"
        )
    return offset


def _check_filter_counts(groups: list[dict[str, Any]]) -> None:
    if len(groups) > MAX_GROUPS:
        raise SearchError(f"Too many filter groups: {len(groups)} (max {MAX_GROUPS})")
    sizes = [len(g.get("filters") or []) for g in groups]
    if any(size > MAX_FILTERS_PER_GROUP for size in sizes):
        raise SearchError(f"Too many filters in a group (max {MAX_FILTERS_PER_GROUP})")
    if sum(sizes) > MAX_FILTERS:
        raise SearchError(f"Too many filters: {sum(sizes)} (max {MAX_FILTERS})")


def _sorts(raw: list[Any]) -> list[tuple[str, bool]]:
    """Both forms: {"propertyName", "direction"} objects and plain strings ("-name" descends)."""
    sorts = []
    for item in raw:
        if isinstance(item, str):
            descending = item.startswith("-")
            sorts.append((item.lstrip("-"), descending))
        elif isinstance(item, dict) and item.get("propertyName"):
            direction = str(item.get("direction", "ASCENDING")).upper()
            if direction not in ("ASCENDING", "DESCENDING"):
                raise SearchError(f"Unknown sort direction {direction!r}")
            sorts.append((item["propertyName"], direction == "DESCENDING"))
        else:
            raise SearchError(f"Invalid sort {item!r}")
    return sorts


def _value(record: CrmRecord, name: str) -> str | None:
    if name == "hs_object_id":
        return record.id
    return record.properties.get(name)


def _matcher(
    spec_filter: dict[str, Any], spec_for: Callable[[str], PropertySpec | None]
) -> Callable[[CrmRecord], bool]:
    name = spec_filter.get("propertyName")
    operator = str(spec_filter.get("operator", "EQ")).upper()
    if not name:
        raise SearchError("Each filter needs a propertyName")
    if operator not in OPERATORS:
        raise SearchError(f"Unknown filter operator {operator!r}")
    spec = spec_for(name)
    if spec is None and name != "hs_object_id":
        raise SearchError(f"Property {name!r} does not exist")

    def target(key: str) -> Any:
        if key not in spec_filter or spec_filter[key] is None:
            raise SearchError(f"Operator {operator} on {name} needs `{key}`")
        value = _comparable(spec, spec_filter[key])
        if value is None:
            raise SearchError(f"Invalid value {spec_filter[key]!r} for {name}")
        return value

    def current(record: CrmRecord) -> Any:
        raw = _value(record, name)
        return None if raw in (None, "") else _comparable(spec, raw)

    if operator == "HAS_PROPERTY":
        return lambda r: current(r) is not None
    if operator == "NOT_HAS_PROPERTY":
        return lambda r: current(r) is None
    if operator in ("IN", "NOT_IN"):
        values = spec_filter.get("values")
        if not isinstance(values, list) or not values:
            raise SearchError(f"Operator {operator} on {name} needs a non-empty `values` list")
        wanted = {_comparable(spec, v) for v in values}
        if operator == "IN":
            return lambda r: current(r) in wanted
        return lambda r: current(r) not in wanted
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        token = str(spec_filter.get("value") or "").lower()
        pattern = re.compile("^" + re.escape(token).replace(r"\*", ".*") + "$")

        def contains(record: CrmRecord) -> bool:
            words = re.split(r"[\s@.,;]+", str(_value(record, name) or "").lower())
            return any(pattern.match(w) for w in words if w)

        if operator == "CONTAINS_TOKEN":
            return contains
        return lambda r: not contains(r)
    if operator == "BETWEEN":
        low, high = target("value"), target("highValue")
        return lambda r: (v := current(r)) is not None and low <= v <= high
    value = target("value")
    compare: dict[str, Callable[[Any], bool]] = {
        "EQ": lambda v: v == value,
        "NEQ": lambda v: v != value,
        "LT": lambda v: v < value,
        "LTE": lambda v: v <= value,
        "GT": lambda v: v > value,
        "GTE": lambda v: v >= value,
    }
    check = compare[operator]
    if operator == "NEQ":
        return lambda r: (v := current(r)) is None or check(v)
    return lambda r: (v := current(r)) is not None and check(v)


def _matches_query(record: CrmRecord, query: str) -> bool:
    words = [w for w in query.split() if w]
    text = " ".join(str(v).lower() for v in record.properties.values() if v)
    return all(w in text for w in words)
