"""Notion's rollup functions over the pages a relation points to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import Page


def rollup(
    function: str,
    values: list[Any],
    related: list[Page],
    show: Callable[[Page], dict[str, Any]],
) -> dict[str, Any]:
    """Notion's rollup functions over the related pages' values.

    `show` renders one related page's rolled-up property for the array functions
    (show_original, show_unique); the caller supplies it so this module needs no renderer.
    """
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    filled = [v for v in values if v not in (None, "", [], False)]
    if function in ("show_original", "show_unique"):
        items = [show(page) for page in related]
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
