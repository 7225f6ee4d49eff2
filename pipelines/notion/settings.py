"""Constants of the Notion source: API version, page sizes, contract columns, timeouts."""

from __future__ import annotations

from dlt.common.schema.typing import TTableSchemaColumns

DEFAULT_BASE_URL = "https://api.notion.com"
NOTION_VERSION = "2025-09-03"  # databases hold data sources; rows are queried per data source

PAGE_SIZE = 100  # the API's maximum for queries and property-item lists
REFERENCE_LIMIT = 25  # page objects cut relation/people/rich-text lists at 25 references

# Page timestamps are whole minutes: a page edited again in the minute of the last read
# keeps its last_edited_time. Re-reading this window and comparing content catches it.
OVERLAP_MINUTES = 2

# Deletions: the trash is listed every run (a request per 100 trashed pages); the id scan
# that also finds unshared pages (a request per 100 live pages) runs at most this often.
DELETION_SCAN_INTERVAL_HOURS = 24.0

# Retries follow pipelines.core.retry for every method. Notion also asks to retry a 409
# conflict_error ("try again"), and 529 answers an overloaded edge.
NOTION_TRANSIENT_STATUSES = frozenset({409, 529})
REQUEST_TIMEOUT_SECONDS = 60.0

# The raw contract (DESIGN.md): every raw_notion table starts with these columns.
CONTRACT_COLUMNS: TTableSchemaColumns = {
    "id": {"data_type": "text", "nullable": False, "primary_key": True},
    "created_time": {"data_type": "timestamp", "nullable": True},
    "last_edited_time": {"data_type": "timestamp", "nullable": True},
    "url": {"data_type": "text", "nullable": True},
    "is_deleted": {"data_type": "bool", "nullable": False},
    "data_source_id": {"data_type": "text", "nullable": True},
}
# Property columns never take these names (a property "URL" becomes property_url).
RESERVED_COLUMNS = frozenset(CONTRACT_COLUMNS)
RESERVED_PREFIX = "property_"

# Property type -> column data type. None: decided by the value (formulas, some rollups).
# "date" properties also fill <column>_end, and <column>_at / <column>_end_at when a value
# carries a time of day.
COLUMN_TYPES: dict[str, str | None] = {
    "title": "text",
    "rich_text": "text",
    "number": "double",
    "checkbox": "bool",
    "select": "text",
    "status": "text",
    "multi_select": "json",
    "date": "date",
    "people": "json",
    "relation": "json",
    "files": "json",
    "url": "text",
    "email": "text",
    "phone_number": "text",
    "created_time": "timestamp",
    "last_edited_time": "timestamp",
    "created_by": "text",
    "last_edited_by": "text",
    "unique_id": "text",
    "verification": "text",
    "formula": None,
    "rollup": None,
}
# Types without a value to load (a button only triggers automations).
SKIPPED_TYPES = frozenset({"button"})
FORMULA_TYPES = {"string": "text", "number": "double", "boolean": "bool", "date": "date"}
ROLLUP_FUNCTION_TYPES = {
    **dict.fromkeys(("show_original", "show_unique"), "json"),
    **dict.fromkeys(("earliest_date", "latest_date", "date_range"), "date"),
    **dict.fromkeys(
        (
            "count",
            "count_values",
            "empty",
            "not_empty",
            "unique",
            "percent_empty",
            "percent_not_empty",
            "sum",
            "average",
            "median",
            "min",
            "max",
            "range",
            "checked",
            "unchecked",
            "percent_checked",
            "percent_unchecked",
        ),
        "double",
    ),
}
ROLLUP_RESULT_TYPES = {"number": "double", "date": "date", "array": "json"}
# Property types whose list Notion cuts at 25 in page objects.
TRUNCATED_TYPES = frozenset({"title", "rich_text", "people", "relation"})
