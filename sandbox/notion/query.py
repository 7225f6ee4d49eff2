"""Data source queries: body validation, filters, sorts and cursor pagination.

Covers the filter grammar of the 2025-09-03 API that a sync and a person's views use:
timestamp filters on created_time / last_edited_time, property filters for the common
types (text, number, checkbox, select, status, multi_select, date, people, relation,
formula) and nested `and` / `or` compounds. Anything else is a 400 validation_error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from .model import DataSource, Page, Property
from .store import NotionStore

MAX_PAGE_SIZE = 100
QUERY_BODY_KEYS = frozenset(
    {"filter", "sorts", "start_cursor", "page_size", "in_trash", "archived", "result_type"}
)
DATE_OPERATORS = frozenset(
    {
        "equals",
        "before",
        "after",
        "on_or_before",
        "on_or_after",
        "is_empty",
        "is_not_empty",
        "past_week",
        "past_month",
        "past_year",
        "next_week",
        "next_month",
        "next_year",
        "this_week",
    }
)
TEXT_TYPES = frozenset({"title", "rich_text", "url", "email", "phone_number"})


class ValidationFailed(Exception):
    """The request does not match the API's schema (400 validation_error)."""


def page_size(value: Any, where: str) -> int:
    if value is None:
        return MAX_PAGE_SIZE
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(
            f"{where} failed validation: {where}.page_size should be a number or `undefined`, "
            f"instead was `{value!r}`."
        )
    if value > MAX_PAGE_SIZE or value < 1:
        bound = f"≤ `{MAX_PAGE_SIZE}`" if value > MAX_PAGE_SIZE else "≥ `1`"
        raise ValidationFailed(
            f"{where} failed validation: {where}.page_size should be {bound}, instead was `{value}`."
        )
    return value


def run_query(store: NotionStore, source: DataSource, body: dict[str, Any]) -> list[Page]:
    """Every page of the data source that matches, in result order (before pagination)."""
    unknown = sorted(set(body) - QUERY_BODY_KEYS)
    if unknown:
        raise ValidationFailed(
            f"body failed validation: body.{unknown[0]} should be not present, instead was "
            f"`{body[unknown[0]]!r}`."
        )
    if body.get("result_type") == "data_source":
        return []
    trashed = bool(body.get("in_trash", body.get("archived", False)))
    pages = [
        p
        for p in store.pages.values()
        if p.data_source_id == source.id and p.shared and p.in_trash == trashed
    ]
    condition = body.get("filter")
    if condition:
        pages = [p for p in pages if matches(store, source, p, condition, "body.filter")]
    return sort_pages(store, source, pages, body.get("sorts") or [])


def paginate(
    pages: list[Page], start_cursor: str | None, size: int
) -> tuple[list[Page], str | None]:
    """Cursors are the id of the next page, as in Notion's responses."""
    start = 0
    if start_cursor:
        ids = [p.id for p in pages]
        if start_cursor not in ids:
            raise ValidationFailed(
                f"body failed validation: body.start_cursor should be a valid cursor, instead "
                f"was `{start_cursor}`."
            )
        start = ids.index(start_cursor)
    chunk = pages[start : start + size]
    rest = pages[start + size :]
    return chunk, (rest[0].id if rest else None)


def sort_pages(
    store: NotionStore, source: DataSource, pages: list[Page], sorts: list[dict[str, Any]]
) -> list[Page]:
    """Stable multi-key sort; without sorts, newest created first."""
    if not isinstance(sorts, list):
        raise ValidationFailed("body failed validation: body.sorts should be an array.")
    ordered = sorted(pages, key=lambda p: p.id)
    if not sorts:
        return sorted(ordered, key=lambda p: p.created_time, reverse=True)
    for sort in reversed(sorts):
        direction = sort.get("direction", "ascending")
        if direction not in ("ascending", "descending"):
            raise ValidationFailed(
                "body failed validation: body.sorts[0].direction should be `ascending` or "
                f"`descending`, instead was `{direction}`."
            )
        key = _sort_key(store, source, sort)
        present = [p for p in ordered if key(p) is not None]
        missing = [p for p in ordered if key(p) is None]
        present.sort(key=key, reverse=direction == "descending")
        ordered = present + missing  # empty values last, either direction
    return ordered


def _sort_key(store: NotionStore, source: DataSource, sort: dict[str, Any]):
    if "timestamp" in sort:
        field = sort["timestamp"]
        if field not in ("created_time", "last_edited_time"):
            raise ValidationFailed(
                "body failed validation: body.sorts[0].timestamp should be `created_time` or "
                f"`last_edited_time`, instead was `{field}`."
            )
        return lambda p: getattr(p, field)
    if "property" in sort:
        prop = _property(source, sort["property"], "body.sorts[0].property")
        return lambda p: _comparable(store.plain_value(p, prop))
    raise ValidationFailed(
        "body failed validation: body.sorts[0] should have `property` or `timestamp`."
    )


def _comparable(value: Any) -> Any:
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return int(value)
    return value if isinstance(value, int | float | datetime) else str(value)


def matches(
    store: NotionStore, source: DataSource, page: Page, condition: dict[str, Any], where: str
) -> bool:
    if not isinstance(condition, dict):
        raise ValidationFailed(f"body failed validation: {where} should be an object.")
    if "and" in condition:
        return all(
            matches(store, source, page, c, f"{where}.and[{i}]")
            for i, c in enumerate(condition["and"])
        )
    if "or" in condition:
        return any(
            matches(store, source, page, c, f"{where}.or[{i}]")
            for i, c in enumerate(condition["or"])
        )
    if "timestamp" in condition:
        field = condition["timestamp"]
        if field not in ("created_time", "last_edited_time") or field not in condition:
            raise ValidationFailed(
                f"body failed validation: {where}.{field} should be defined, instead was "
                "`undefined`."
            )
        return _date_matches(getattr(page, field), condition[field], f"{where}.{field}")
    if "property" in condition:
        prop = _property(source, condition["property"], f"{where}.property")
        return _property_matches(store, page, prop, condition, where)
    raise ValidationFailed(
        f"body failed validation: {where} should be a property, timestamp or compound filter."
    )


def _property(source: DataSource, key: str, where: str) -> Property:
    try:
        return source.find(key)
    except KeyError:
        raise ValidationFailed(f"Could not find property with name or id: {key}") from None


def _property_matches(
    store: NotionStore, page: Page, prop: Property, condition: dict[str, Any], where: str
) -> bool:
    kind = prop.type
    value = store.plain_value(page, prop)
    if kind == "formula":
        if "formula" not in condition:
            raise ValidationFailed(f"body failed validation: {where}.formula should be defined.")
        result_type, value = store.formula_value(page, prop)
        nested = condition["formula"]
        kind = {"string": "rich_text", "boolean": "checkbox"}.get(result_type, result_type)
        key = {"rich_text": "string", "checkbox": "checkbox"}.get(kind, kind)
        if key not in nested:
            raise ValidationFailed(
                f"body failed validation: {where}.formula.{key} should be defined."
            )
        return _typed_matches(kind, value, nested[key], f"{where}.formula.{key}")
    filter_key = kind if kind not in ("created_time", "last_edited_time") else "date"
    if filter_key not in condition:
        raise ValidationFailed(
            f"body failed validation: {where}.{filter_key} should be defined, instead was "
            "`undefined`."
        )
    return _typed_matches(kind, value, condition[filter_key], f"{where}.{filter_key}")


def _typed_matches(kind: str, value: Any, ops: dict[str, Any], where: str) -> bool:
    if not isinstance(ops, dict) or len(ops) != 1:
        raise ValidationFailed(f"body failed validation: {where} should have one operator.")
    op, operand = next(iter(ops.items()))
    if op == "is_empty":
        return value in (None, "", [])
    if op == "is_not_empty":
        return value not in (None, "", [])
    if kind in TEXT_TYPES:
        return _text_matches(str(value or ""), op, operand, where)
    if kind in ("number", "unique_id"):
        return _number_matches(value, op, operand, where)
    if kind == "checkbox":
        if op == "equals":
            return bool(value) == bool(operand)
        if op == "does_not_equal":
            return bool(value) != bool(operand)
    if kind in ("select", "status"):
        if op == "equals":
            return value == operand
        if op == "does_not_equal":
            return value != operand
    if kind in ("multi_select", "people", "relation"):
        items = value or []
        if op == "contains":
            return operand in items
        if op == "does_not_contain":
            return operand not in items
    if kind in ("date", "created_time", "last_edited_time"):
        return _date_matches(value, ops, where)
    raise ValidationFailed(
        f"body failed validation: {where}.{op} is not a supported {kind} filter operator."
    )


def _text_matches(text: str, op: str, operand: Any, where: str) -> bool:
    operand = str(operand)
    checks = {
        "equals": text == operand,
        "does_not_equal": text != operand,
        "contains": operand.lower() in text.lower(),
        "does_not_contain": operand.lower() not in text.lower(),
        "starts_with": text.lower().startswith(operand.lower()),
        "ends_with": text.lower().endswith(operand.lower()),
    }
    if op not in checks:
        raise ValidationFailed(f"body failed validation: {where}.{op} is not a text operator.")
    return checks[op]


def _number_matches(value: Any, op: str, operand: Any, where: str) -> bool:
    if value is None:
        return op == "does_not_equal"
    checks = {
        "equals": value == operand,
        "does_not_equal": value != operand,
        "greater_than": value > operand,
        "less_than": value < operand,
        "greater_than_or_equal_to": value >= operand,
        "less_than_or_equal_to": value <= operand,
    }
    if op not in checks:
        raise ValidationFailed(f"body failed validation: {where}.{op} is not a number operator.")
    return checks[op]


def _date_matches(value: Any, ops: dict[str, Any], where: str) -> bool:
    if not isinstance(ops, dict) or len(ops) != 1:
        raise ValidationFailed(f"body failed validation: {where} should have one operator.")
    op, operand = next(iter(ops.items()))
    if op not in DATE_OPERATORS:
        raise ValidationFailed(
            f"body failed validation: {where}.{op} is not a date filter operator."
        )
    if op == "is_empty":
        return value is None
    if op == "is_not_empty":
        return value is not None
    if value is None:
        return False
    moment = _moment(value)
    if op in (
        "past_week",
        "past_month",
        "past_year",
        "next_week",
        "next_month",
        "next_year",
        "this_week",
    ):
        raise ValidationFailed(
            f"body failed validation: {where}.{op} (relative dates) is not served by the sandbox."
        )
    bound, date_only = _bound(operand, where, op)
    if date_only:
        day = moment.date()
        return {
            "equals": day == bound.date(),
            "before": day < bound.date(),
            "after": day > bound.date(),
            "on_or_before": day <= bound.date(),
            "on_or_after": day >= bound.date(),
        }[op]
    return {
        "equals": moment == bound,
        "before": moment < bound,
        "after": moment > bound,
        "on_or_before": moment <= bound,
        "on_or_after": moment >= bound,
    }[op]


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    text = str(value)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _bound(operand: Any, where: str, op: str) -> tuple[datetime, bool]:
    if not isinstance(operand, str):
        raise ValidationFailed(
            f"body failed validation: {where}.{op} should be a string, instead was `{operand!r}`."
        )
    try:
        return _moment(operand), len(operand) == 10
    except ValueError:
        raise ValidationFailed(
            f"body failed validation: {where}.{op} should be an ISO 8601 date, instead was "
            f"`{operand}`."
        ) from None
