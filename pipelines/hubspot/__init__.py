"""HubSpot CRM source: contacts, companies, engagements and their associations, incrementally.

Tables (dataset raw_hubspot): one per configured object (`contacts`, `companies`, and
`deals` or `tickets` when added to `objects`), `engagements` (calls, emails, meetings,
notes and tasks, with `engagement_type`) and `associations`. Every property of every
object, custom ones included, becomes a typed column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dlt
from dlt.extract.resource import DltResource

from ..core.retry import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_SECONDS, RetryPolicy
from .client import CrmClient
from .columns import column_hints
from .feed import CrmFeed, TableBatch
from .pacing import Pacer
from .plan import build_plan, discover
from .settings import (
    ASSOCIATION_BATCH_SIZE,
    ASSOCIATION_COLUMNS,
    ASSOCIATION_KEY,
    ASSOCIATION_SWEEP_INTERVAL_HOURS,
    ASSOCIATIONS_TABLE,
    DEFAULT_BASE_URL,
    ENGAGEMENT_COLUMNS,
    ENGAGEMENTS_TABLE,
    FEED_RESOURCE,
    OBJECT_COLUMNS,
    REQUEST_TIMEOUT_SECONDS,
)


@dlt.source(name="hubspot", max_table_nesting=0)
def hubspot(
    access_token: str = dlt.secrets.value,
    base_url: str = DEFAULT_BASE_URL,
    objects: list[str] | None = None,
    engagement_types: list[str] | None = None,
    associations: list[str] | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    retry_backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    search_requests_per_second: float = 4.0,
    association_sweep_size: int = ASSOCIATION_BATCH_SIZE,
    association_sweep_interval_hours: float = ASSOCIATION_SWEEP_INTERVAL_HOURS,
    request_timeout_seconds: float = REQUEST_TIMEOUT_SECONDS,
) -> Sequence[DltResource]:
    """The HubSpot CRM source.

    Args:
        access_token: private app token (secret).
        base_url: API root; a path prefix is kept.
        objects: object types with a table each (default contacts, companies).
        engagement_types: activity types for the engagements table (default all five).
        associations: `from:to` pairs (default: contacts:companies, and each
            engagement or deal/ticket type to contacts and companies).
        max_attempts: tries per request on 429, 5xx or a dropped connection.
        retry_backoff_seconds: first wait of the exponential back-off; doubles.
        search_requests_per_second: client-side pace of search requests (HubSpot
            allows five a second; 0 turns pacing off).
        association_sweep_size: objects of each type whose links a sweep checks again
            even though they did not change, in turn (removed links leave no other
            trace; 0 turns the sweep off).
        association_sweep_interval_hours: how often at most a run sweeps (one request
            per association direction); 0 sweeps every run. Between sweeps, a link added
            or removed without a change to either record waits for the next sweep.
        request_timeout_seconds: how long HubSpot may take to answer one request (read
            timeout; connecting gets at most 10 s); a timeout is retried.
    """
    plan = build_plan(objects, engagement_types, associations)
    client = CrmClient(
        access_token,
        base_url,
        retry=RetryPolicy(max_attempts, retry_backoff_seconds),
        search_pacer=Pacer(search_requests_per_second),
        timeout_seconds=request_timeout_seconds,
        tables={t: plan.table_for(t) for t in plan.object_types},
    )
    # the schema read: property definitions type the columns, and a wrong token or
    # object type stops the run here with a message naming the setting
    specs = discover(client, plan)

    @dlt.resource(name=FEED_RESOURCE, selected=False)
    def crm_changes() -> Iterator[TableBatch]:
        selected = set(dlt.current.source().resources.selected)
        state = dlt.current.resource_state()
        feed = CrmFeed(
            client,
            plan,
            specs,
            state,
            selected,
            association_sweep_size,
            association_sweep_interval_hours,
        )
        yield from feed.batches()

    resources: list[DltResource] = [crm_changes]
    for object_type in plan.objects:
        columns = {**OBJECT_COLUMNS, **column_hints(specs[object_type].columns.values())}
        resources.append(_table(crm_changes, object_type, columns, "id"))
    if plan.engagement_types:
        first = specs[plan.engagement_types[0]]
        columns = {**ENGAGEMENT_COLUMNS, **column_hints(first.columns.values())}
        resources.append(_table(crm_changes, ENGAGEMENTS_TABLE, columns, "id"))
    if plan.targets:
        resources.append(
            _table(crm_changes, ASSOCIATIONS_TABLE, ASSOCIATION_COLUMNS, list(ASSOCIATION_KEY))
        )
    return resources


def _table(
    feed: DltResource, table: str, columns: dict, primary_key: str | list[str]
) -> DltResource:
    """A table resource: keeps the feed's batches addressed to `table`."""

    def rows(batch: TableBatch) -> Iterator[list[dict]]:
        if batch.table == table:
            yield batch.rows

    return dlt.transformer(
        data_from=feed,
        name=table,
        write_disposition="merge",
        primary_key=primary_key,
        columns=columns,
    )(rows)
