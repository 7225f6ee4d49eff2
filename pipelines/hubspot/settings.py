"""Constants of the HubSpot source: endpoints' limits, object types, contract columns."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.hubapi.com"

# Setting keys, named in error messages (with their environment variables).
TOKEN_SETTING = "sources.hubspot.access_token"
OBJECTS_SETTING = "sources.hubspot.objects"
ENGAGEMENTS_SETTING = "sources.hubspot.engagement_types"
ASSOCIATIONS_SETTING = "sources.hubspot.associations"

# Objects with a table of their own; add "deals" or "tickets" by configuration.
DEFAULT_OBJECTS = ("contacts", "companies")
# Activity types loaded together into the `engagements` table.
ENGAGEMENT_TYPES = ("calls", "emails", "meetings", "notes", "tasks")
ENGAGEMENTS_TABLE = "engagements"
ASSOCIATIONS_TABLE = "associations"
FEED_RESOURCE = "crm_changes"

# Association directions loaded when both ends are configured (from -> to).
DEFAULT_ASSOCIATION_TARGETS = {
    "contacts": ("companies",),
    "deals": ("contacts", "companies"),
    "tickets": ("contacts", "companies"),
    **{engagement: ("contacts", "companies") for engagement in ENGAGEMENT_TYPES},
}

# The property each object type stamps on every change, and its creation time.
LAST_MODIFIED_PROPERTY = {"contacts": "lastmodifieddate"}
DEFAULT_LAST_MODIFIED_PROPERTY = "hs_lastmodifieddate"
CREATED_PROPERTY = {
    "contacts": "createdate",
    "companies": "createdate",
    "deals": "createdate",
    "tickets": "createdate",
}
DEFAULT_CREATED_PROPERTY = "hs_createdate"
MERGED_IDS_PROPERTY = "hs_merged_object_ids"

# Endpoint limits (HubSpot CRM v3/v4).
LIST_PAGE_SIZE = 100
SEARCH_PAGE_SIZE = 200
BATCH_READ_SIZE = 100
ASSOCIATION_BATCH_SIZE = 1000
# The association sweep (one request per direction) runs at most this often.
ASSOCIATION_SWEEP_INTERVAL_HOURS = 24.0
# Characters of `properties=` parameters one GET may carry. HubSpot answers 414 somewhere
# between 8 and 16 KB of URL; what does not fit is read with POST batch/read instead.
PROPERTIES_QUERY_BUDGET = 3000
# Ids remembered at the cursor's millisecond, so the next run can ask for changes at or
# after it and skip those. A larger group would not fit one search page: the next run
# then asks for strictly later changes, keeping a run without changes at one search.
MAX_CURSOR_IDS = SEARCH_PAGE_SIZE - 1

# A first load's cursor: the server's clock when the listing began, less this margin (clock
# differences between HubSpot's web servers and its record stamps); without a Date header,
# this machine's clock less a wider one. Records changed in the margin are read again once.
ANCHOR_MARGIN_MS = 5 * 60 * 1000
UNDATED_ANCHOR_MARGIN_MS = 60 * 60 * 1000

CONNECT_TIMEOUT_SECONDS = 10.0
REQUEST_TIMEOUT_SECONDS = 120.0  # read timeout; sources.hubspot.request_timeout_seconds
REQUEST_TIMEOUT = (CONNECT_TIMEOUT_SECONDS, REQUEST_TIMEOUT_SECONDS)  # connect, read seconds

# Contract columns of every object table; properties become further columns.
OBJECT_COLUMNS = {
    "id": {"data_type": "text", "nullable": False, "primary_key": True},
    "created_at": {"data_type": "timestamp", "nullable": True},
    # the newest version of a record wins when one run sees it twice
    "updated_at": {"data_type": "timestamp", "nullable": True, "dedup_sort": "desc"},
    "is_deleted": {"data_type": "bool", "nullable": False},
    "deleted_at": {"data_type": "timestamp", "nullable": True},
}
ENGAGEMENT_COLUMNS = {**OBJECT_COLUMNS, "engagement_type": {"data_type": "text", "nullable": False}}
ASSOCIATION_KEY = ("from_object_type", "from_id", "to_object_type", "to_id", "association_type_id")
ASSOCIATION_COLUMNS = {
    "from_object_type": {"data_type": "text", "nullable": False},
    "from_id": {"data_type": "text", "nullable": False},
    "to_object_type": {"data_type": "text", "nullable": False},
    "to_id": {"data_type": "text", "nullable": False},
    "association_type_id": {"data_type": "bigint", "nullable": False},
    "association_label": {"data_type": "text", "nullable": True},
    "is_deleted": {"data_type": "bool", "nullable": False},
}


def last_modified_property(object_type: str) -> str:
    return LAST_MODIFIED_PROPERTY.get(object_type, DEFAULT_LAST_MODIFIED_PROPERTY)


def created_property(object_type: str) -> str:
    return CREATED_PROPERTY.get(object_type, DEFAULT_CREATED_PROPERTY)


def engagement_type_name(object_type: str) -> str:
    """`calls` -> `call`: the value of the engagements table's `engagement_type`."""
    return object_type[:-1] if object_type.endswith("s") else object_type
