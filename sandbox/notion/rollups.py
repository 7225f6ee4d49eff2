"""Notion's rollup functions over the pages a relation points to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Page, Property

if TYPE_CHECKING:
    from .store import NotionStore


def rollup(
    function: str,
    values: list[Any],
    related: list[Page],
    target: Property | None,
    store: NotionStore,
) -> dict[str, Any]:
    """Notion's rollup functions over the related pages' values."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    filled = [v for v in values if v not in (None, "", [], False)]
    if function in ("show_original", "show_unique"):
        items = [_rollup_item(store, page, target) for page in related]
        return {"type": "array", "array": items, "function": function}
    if function in ("earliest_date", "latest_date", "date_range"):
        starts = sorted(str(v) for v in values if v)
        if not starts:
            return {"type": "date", "date": None, "function": function}
        start = starts[-1] if function == "latest_date" else starts[0]
        end = starts[-1] if function == "date_range" else None
        return {
            "type": "date",
            "date": {"start": start, "end": end, "time_zone": None},
            "function": function,
        }
    number: float | int | None
    if function in ("count", "count_all"):
        number = len(values)
    elif function in ("count_values", "not_empty", "count_not_empty", "checked"):
        number = len(filled)
    elif function in ("empty", "count_empty", "unchecked"):
        number = len(values) - len(filled)
    elif function in ("unique", "count_unique_values"):
        number = len({str(v) for v in filled})
    elif function == "percent_checked":
        number = round(len(filled) / len(values), 4) if values else 0
    elif function == "sum":
        number = sum(numbers)
    elif function == "average":
        number = round(sum(numbers) / len(numbers), 4) if numbers else None
    elif function == "min":
        number = min(numbers) if numbers else None
    elif function == "max":
        number = max(numbers) if numbers else None
    else:
        return {"type": "unsupported", "unsupported": {}, "function": function}
    return {"type": "number", "number": number, "function": function}


def _rollup_item(store: NotionStore, page: Page, target: Property | None) -> dict[str, Any]:
    from .render import property_value

    assert target is not None
    value = property_value(store, page, target)
    value.pop("id", None)
    return value
