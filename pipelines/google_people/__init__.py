"""Google Contacts through the People API v1, incremental with sync tokens.

Settings (dlt config resolution; see .dlt/example.secrets.toml):
sources.google_people.credentials.client_id / client_secret / refresh_token (secrets),
sources.google_people.token_uri and sources.google_people.base_url (config).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dlt
from dlt.sources import DltResource

from ..core.retry import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_SECONDS, RetryPolicy
from .client import PeopleClient, SourceSettingError
from .credentials import GoogleOAuthUserCredentials
from .flatten import contact_group_row, contact_row, deleted_contact_row, deleted_group_row
from .settings import (
    CONTACT_COLUMNS,
    CONTACT_GROUP_COLUMNS,
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_URI,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    REQUEST_TIMEOUT_SECONDS,
    SETTINGS_SECTION,
)
from .sync import Listing, synchronise

__all__ = ["google_people"]


@dlt.source(name="google_people", section="google_people")
def google_people(
    credentials: GoogleOAuthUserCredentials = dlt.secrets.value,
    token_uri: str = DEFAULT_TOKEN_URI,
    base_url: str = DEFAULT_BASE_URL,
    page_size: int = PAGE_SIZE,
    max_attempts: int = DEFAULT_ATTEMPTS,
    retry_backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    request_timeout_seconds: float = REQUEST_TIMEOUT_SECONDS,
) -> Sequence[DltResource]:
    """The user's contacts and contact groups."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise SourceSettingError(
            f"{SETTINGS_SECTION}.page_size",
            f"page_size must be between 1 and {MAX_PAGE_SIZE}",
            secret=False,
        )
    client = PeopleClient(
        credentials.to_native_credentials(token_uri),
        base_url=base_url,
        page_size=page_size,
        retry=RetryPolicy(max_attempts, retry_backoff_seconds),
        timeout_seconds=request_timeout_seconds,
    )
    return contacts(client), contact_groups(client)


@dlt.resource(
    name="contacts",
    write_disposition="merge",
    primary_key="resource_name",
    columns=CONTACT_COLUMNS,
)
def contacts(client: PeopleClient) -> Iterator[list[dict]]:
    """people/me/connections; deleted people are kept with is_deleted = true."""
    listing = Listing(
        table="contacts",
        items_key="connections",
        pages=client.connection_pages,
        to_row=contact_row,
        deleted_row=deleted_contact_row,
        parameters=client.connection_parameters,
    )
    yield from synchronise(listing, dlt.current.resource_state())


@dlt.resource(
    name="contact_groups",
    write_disposition="merge",
    primary_key="resource_name",
    columns=CONTACT_GROUP_COLUMNS,
)
def contact_groups(client: PeopleClient) -> Iterator[list[dict]]:
    """contactGroups (system and user groups); members are in contacts.memberships."""
    listing = Listing(
        table="contact_groups",
        items_key="contactGroups",
        pages=client.contact_group_pages,
        to_row=contact_group_row,
        deleted_row=deleted_group_row,
        parameters=client.group_parameters,
    )
    yield from synchronise(listing, dlt.current.resource_state())
