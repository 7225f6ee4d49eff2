"""Constants of the Google People source: endpoints, requested fields, raw column types."""

from __future__ import annotations

from dlt.common.schema.typing import TTableSchemaColumns

DEFAULT_BASE_URL = "https://people.googleapis.com/"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
SETTINGS_SECTION = "sources.google_people"
CREDENTIALS_SECTION = f"{SETTINGS_SECTION}.credentials"

# The People API allows 1..1000 per page; the largest page costs the fewest requests.
PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000

# Everything a contact can carry, so the raw `person` column keeps it for later use.
# ageRanges and coverPhotos only exist on profiles, never on contacts.
PERSON_FIELDS = (
    "addresses",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "emailAddresses",
    "events",
    "externalIds",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "metadata",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "photos",
    "relations",
    "sipAddresses",
    "skills",
    "urls",
    "userDefined",
)
# memberCount is left out on purpose: a group sync does not report it when only
# memberships change, so it would go stale. Count members from contacts.memberships.
GROUP_FIELDS = ("clientData", "groupType", "metadata", "name")

# Retries follow pipelines.core.retry. Google also answers a used-up per-minute quota with
# 403 and one of these reasons: retried like a 429.
REQUEST_TIMEOUT_SECONDS = 60.0
RATE_LIMIT_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
)

CONTACT_COLUMNS: TTableSchemaColumns = {
    "resource_name": {"data_type": "text", "nullable": False, "primary_key": True},
    "etag": {"data_type": "text"},
    "display_name": {"data_type": "text"},
    "given_name": {"data_type": "text"},
    "family_name": {"data_type": "text"},
    "primary_email": {"data_type": "text"},
    "emails": {"data_type": "json"},
    "phone_numbers": {"data_type": "json"},
    "organization": {"data_type": "text"},
    "job_title": {"data_type": "text"},
    "birthday": {"data_type": "date"},
    "birthday_month": {"data_type": "bigint"},
    "birthday_day": {"data_type": "bigint"},
    "updated_at": {"data_type": "timestamp"},
    "is_deleted": {"data_type": "bool", "nullable": False},
    "memberships": {"data_type": "json"},
    "person": {"data_type": "json"},
}
CONTACT_GROUP_COLUMNS: TTableSchemaColumns = {
    "resource_name": {"data_type": "text", "nullable": False, "primary_key": True},
    "etag": {"data_type": "text"},
    "name": {"data_type": "text"},
    "formatted_name": {"data_type": "text"},
    "group_type": {"data_type": "text"},
    "updated_at": {"data_type": "timestamp"},
    "is_deleted": {"data_type": "bool", "nullable": False},
}
