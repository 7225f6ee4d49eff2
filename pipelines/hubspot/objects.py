"""One object type's sync: a full listing the first time, only changes afterwards.

First run: the list endpoint, 100 records a page, live records only (nothing else: a
first load costs its listing). Later runs ask the search endpoint for records modified
since the cursor, oldest first, 200 a page. Each page re-anchors on the last
modification time it returned (keyset paging), so the search's 10,000-result cap never
applies and records that change while the run pages are not skipped; records sharing
one millisecond beyond a page are walked by id.

Deletions leave no trace in search, so each run also counts the records created
before a reference time. That count only falls when something is archived or merged
away; only then are the archived records listed. When that does not account for the
fall either (a GDPR delete; a merge the API does not report in
`hs_merged_object_ids`), the records known from the link state are read back by id
and those HubSpot no longer returns are flagged. A run with no changes therefore
costs two searches per object type, whatever the data size.

State per object type (in dlt state, saved with the load):
  cursor       newest modification time seen (epoch ms)
  cursor_ids   ids seen at exactly `cursor` (None: the next run asks for later ones only)
  ref_time     records created before this time (epoch ms) ...
  ref_count    ... numbered this many when last counted
  archived     id -> archivedAt (epoch ms) of archived records (HubSpot keeps them 90 days)
  archived_listed  False until the archived records were listed once (not on a first load)
  merged       ids merged away into other records
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from dlt.common import logger

from ..core.cadence import utc_now
from .client import CrmClient, CrmObject
from .columns import PropertyColumn, parse_datetime
from .links import LinkLedger, chunks, id_order
from .settings import (
    ANCHOR_MARGIN_MS,
    BATCH_READ_SIZE,
    LIST_PAGE_SIZE,
    MAX_CURSOR_IDS,
    MERGED_IDS_PROPERTY,
    PROPERTIES_QUERY_BUDGET,
    SEARCH_PAGE_SIZE,
    UNDATED_ANCHOR_MARGIN_MS,
    created_property,
    last_modified_property,
)

Rows = list[dict[str, Any]]


@dataclass
class ObjectType:
    """What the sync needs to know about one object type."""

    name: str  # API name: contacts, calls, ...
    table: str  # warehouse table
    columns: dict[str, PropertyColumn]  # property name -> column
    extra: dict[str, Any] = field(default_factory=dict)  # constant columns (engagement_type)

    @property
    def property_names(self) -> list[str]:
        first = [last_modified_property(self.name), created_property(self.name)]
        return list(dict.fromkeys(first + list(self.columns)))


@dataclass
class SyncCounts:
    changed: int = 0
    deleted: int = 0
    full: bool = False


class ObjectSync:
    def __init__(
        self,
        client: CrmClient,
        spec: ObjectType,
        state: dict[str, Any],
        links: LinkLedger | None = None,
    ) -> None:
        self.client = client
        self.spec = spec
        self.state = state
        self.links = links
        self.counts = SyncCounts()
        self.modified = last_modified_property(spec.name)
        self.created = created_property(spec.name)
        self.query_properties, self.body_properties = split_properties(spec.property_names)
        self._listing_started: datetime | None = None  # server time of the first list answer

    def run(self) -> Iterator[Rows]:
        if "cursor" in self.state:
            yield from self._incremental()
        else:
            self.counts.full = True
            yield from self._full()

    # -- first run ------------------------------------------------------------------------
    def _full(self) -> Iterator[Rows]:
        """Every live record, 100 a page: nothing but the listing (the minimum).

        The cursor must not pass a change made while the listing ran (a record edited
        after its page was read). So it is anchored on the server's clock (the Date of
        the first answer) less ANCHOR_MARGIN_MS, unless every record listed is older than
        that: then the newest one listed is the cursor, as safe and re-reading nothing.
        Archived records are not listed: they were never loaded, so there is nothing to
        flag; the first run whose count falls lists them (see `archived_listed`).
        """
        local_start = utc_now()
        self._listing_started = None
        newest = 0
        at_newest: set[str] = set()
        merged: set[str] = set()
        created: list[int] = []
        for objects in self._listing(archived=False):
            for item in objects:
                merged.update(_split(item.properties.get(MERGED_IDS_PROPERTY)))
                stamp = self._ms(item)
                if stamp > newest:
                    newest, at_newest = stamp, {item.id}
                elif stamp == newest:
                    at_newest.add(item.id)
                made = _optional_ms(item.properties.get(self.created))
                if made is not None:
                    created.append(made)
            yield self._emit_live(objects)
        if self._listing_started is not None:
            anchor = _ms(self._listing_started) - ANCHOR_MARGIN_MS
        else:  # no Date header: this machine's clock, with a wider margin for its skew
            anchor = _ms(local_start) - UNDATED_ANCHOR_MARGIN_MS
        if newest < anchor:
            cursor, cursor_ids = newest, _cursor_ids(at_newest)
        else:  # records changed near or during the listing: ask again from the anchor
            cursor, cursor_ids = anchor, []
        self.state.clear()
        self.state.update(
            cursor=cursor,
            cursor_ids=cursor_ids,
            ref_time=cursor + 1,
            ref_count=sum(1 for made in created if made <= cursor),
            archived={},
            archived_listed=False,
            merged=sorted(merged, key=id_order),
        )

    # -- later runs -----------------------------------------------------------------------
    def _incremental(self) -> Iterator[Rows]:
        state = self.state
        cursor: int = state["cursor"]
        cursor_ids = state.get("cursor_ids")
        ref_time: int = state["ref_time"]
        archived: dict[str, int] = dict(state.get("archived") or {})
        merged: set[str] = set(state.get("merged") or [])
        # ids seen at the newest time; None: all of them (the next run asks for later ones)
        newest = cursor
        at_newest: set[str] | None = None if cursor_ids is None else set(cursor_ids)
        created: dict[str, int | None] = {}
        restored: set[str] = set()
        survivors: set[str] = set()
        tombstones: list[tuple[str, datetime | None]] = []

        for objects in self._changes(cursor, set(cursor_ids or ()), cursor_ids is None):
            for item in objects:
                stamp = self._ms(item)
                if stamp > newest:
                    newest, at_newest = stamp, {item.id}
                elif stamp == newest and at_newest is not None:
                    at_newest.add(item.id)
                created[item.id] = _optional_ms(item.properties.get(self.created))
                if archived.pop(item.id, None) is not None:
                    restored.add(item.id)
                for merged_id in _split(item.properties.get(MERGED_IDS_PROPERTY)):
                    if merged_id not in merged:
                        merged.add(merged_id)
                        survivors.add(item.id)
                        tombstones.append((merged_id, item.updated_at))
            yield self._emit_live(objects)
        if tombstones:
            yield self._emit_tombstones(tombstones)
        if self.links is not None:
            # a restored record, and a record that absorbed others in a merge (their links
            # move to it without a change to the records at the other end): read who links
            # to them now
            self.links.objects_back(self.spec.name, restored | survivors)

        new_ref = max(ref_time, newest + 1)
        # the count moves by what this run saw: records created since the reference time
        # and restored ones appear, contacts merged away disappear; anything else means
        # a deletion the changes cannot show
        expected = (
            state["ref_count"]
            + sum(
                1
                for object_id, made in created.items()
                if made is not None
                and (ref_time <= made < new_ref or (object_id in restored and made < ref_time))
            )
            - len(tombstones)
        )
        counted = self._count_created_before(new_ref)
        if counted != expected:
            # something created before the reference time disappeared (or came back)
            def was_counted(item: CrmObject) -> bool:
                made = _optional_ms(item.properties.get(self.created))
                return made is not None and (
                    made < ref_time or (made < new_ref and item.id in created)
                )

            explained = yield from self._reconcile_archived(archived, was_counted, new_ref)
            if not state.get("archived_listed", True) or counted < expected + explained:
                # gone without becoming archived: a GDPR delete, or a merge the
                # merged-ids property did not show (or, the first time archived records
                # are listed, none of them can be told apart from what was counted)
                yield from self._flag_vanished(archived)
            state["archived_listed"] = True
        state.update(
            cursor=newest,
            cursor_ids=_cursor_ids(at_newest),
            ref_time=new_ref,
            ref_count=counted,
            archived=archived,
            merged=sorted(merged, key=id_order),
        )

    def _changes(self, low: int, seen: set[str], exclusive: bool) -> Iterator[list[CrmObject]]:
        """Records modified at or after `low`, oldest first, by keyset paging."""
        while True:
            page = self.client.search(
                self.spec.name,
                filters=[_filter(self.modified, "GT" if exclusive else "GTE", low)],
                sort=(self.modified, "ASCENDING"),
                properties=self.spec.property_names,
                limit=SEARCH_PAGE_SIZE,
            )
            fresh = [o for o in page.results if not (self._ms(o) == low and o.id in seen)]
            if fresh:
                yield fresh
            if not page.has_more:
                return
            last = self._ms(page.results[-1])
            if last > low:
                low, exclusive = last, False
                seen = {o.id for o in page.results if self._ms(o) == last}
            else:  # a whole page shares one millisecond: walk that group by id
                yield from self._same_millisecond(low, seen | {o.id for o in page.results})
                exclusive = True

    def _same_millisecond(self, stamp: int, seen: set[str]) -> Iterator[list[CrmObject]]:
        after_id: str | None = None
        while True:
            filters = [_filter(self.modified, "EQ", stamp)]
            if after_id is not None:
                filters.append(_filter("hs_object_id", "GT", after_id))
            page = self.client.search(
                self.spec.name,
                filters=filters,
                sort=("hs_object_id", "ASCENDING"),
                properties=self.spec.property_names,
                limit=SEARCH_PAGE_SIZE,
            )
            fresh = [o for o in page.results if o.id not in seen]
            if fresh:
                yield fresh
            if not page.has_more or not page.results:
                return
            after_id = page.results[-1].id

    def _count_created_before(self, moment: int) -> int:
        page = self.client.search(
            self.spec.name,
            filters=[_filter(self.created, "LT", moment)],
            sort=(self.created, "ASCENDING"),
            properties=["hs_object_id"],
            limit=1,
        )
        return page.total

    def _reconcile_archived(
        self, archived: dict[str, int], was_counted: Callable[[CrmObject], bool], new_ref: int
    ) -> Generator[Rows, None, int]:
        """List archived records: flag the new ones, bring back those restored.

        Returns how far these changes moved the count of records created before
        `new_ref` (`was_counted`: whether a record was in the count the run expected)."""
        now_archived: dict[str, int] = {}
        moved = 0
        for objects in self._listing(archived=True):
            fresh = []
            for item in objects:
                now_archived[item.id] = _ms(item.archived_at)
                if item.id not in archived and was_counted(item):
                    moved -= 1
                if archived.get(item.id) != now_archived[item.id]:
                    fresh.append(item)
            yield self._emit_deleted(fresh)
        vanished = [i for i in archived if i not in now_archived]
        for batch in chunks(vanished, BATCH_READ_SIZE):
            back = self.client.read(self.spec.name, batch, self.spec.property_names, archived=False)
            moved += sum(
                1
                for item in back
                if (_optional_ms(item.properties.get(self.created)) or 0) < new_ref
            )
            yield self._emit_live(back)
            if self.links is not None:
                self.links.objects_back(self.spec.name, [o.id for o in back])
        archived.clear()
        archived.update(now_archived)
        return moved

    def _flag_vanished(self, archived: Mapping[str, int]) -> Iterator[Rows]:
        """Read every record known to be live; flag those HubSpot no longer returns.

        Known ids come from the link state (every object whose links are loaded); a
        type without one can only be re-listed with a full refresh."""
        known = self.links.known_ids(self.spec.name) if self.links is not None else []
        known = [i for i in known if i not in archived]
        if not known:
            logger.warning(
                "%s: some records disappeared without being archived (a GDPR delete?) and "
                "this source cannot tell which; run with --full-refresh to reload the table",
                self.spec.name,
            )
            return
        gone: list[tuple[str, datetime | None]] = []
        for batch in chunks(known, BATCH_READ_SIZE):
            # a merged-away id may answer with the surviving record: compare ids
            found = {o.id for o in self.client.read(self.spec.name, batch, [], archived=False)}
            gone.extend((object_id, None) for object_id in batch if object_id not in found)
        if gone:
            yield self._emit_tombstones(gone)

    # -- reading pages --------------------------------------------------------------------
    def _listing(self, *, archived: bool) -> Iterator[list[CrmObject]]:
        """All live (or archived) records, 100 a page, with every property.

        The properties that fit in the URL ride on the GET; the rest are read for the
        same page with one POST batch/read, so no request has an overlong URL.
        """
        after: str | None = None
        while True:
            objects, after = self.client.list_page(
                self.spec.name,
                after=after,
                properties=self.query_properties,
                archived=archived,
                limit=LIST_PAGE_SIZE,
            )
            if self._listing_started is None:
                self._listing_started = self.client.server_time
            if self.body_properties and objects:
                more = self.client.read(
                    self.spec.name, [o.id for o in objects], self.body_properties, archived=archived
                )
                objects = _combine(objects, {o.id: o for o in more})
            yield objects
            if after is None:
                return

    # -- rows ---------------------------------------------------------------------------
    def _emit_live(self, objects: Sequence[CrmObject]) -> Rows:
        self.counts.changed += len(objects)
        if self.links is not None:
            self.links.track(self.spec.name, [o.id for o in objects])
        return [self._row(o, deleted=False) for o in objects]

    def _emit_deleted(self, objects: Sequence[CrmObject]) -> Rows:
        self.counts.deleted += len(objects)
        if self.links is not None:
            self.links.objects_gone(self.spec.name, [o.id for o in objects])
        return [self._row(o, deleted=True) for o in objects]

    def _emit_tombstones(self, merged: Sequence[tuple[str, datetime | None]]) -> Rows:
        """Contacts merged away: only their ids survive; flag them deleted."""
        self.counts.deleted += len(merged)
        if self.links is not None:
            self.links.objects_gone(self.spec.name, [object_id for object_id, _ in merged])
        return [
            {
                "id": object_id,
                "updated_at": when,
                "is_deleted": True,
                "deleted_at": when,
                **self.spec.extra,
            }
            for object_id, when in merged
        ]

    def _row(self, item: CrmObject, *, deleted: bool) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": item.id,
            "created_at": item.created_at,
            "updated_at": item.updated_at,
            "is_deleted": deleted,
            "deleted_at": item.archived_at if deleted else None,
            **self.spec.extra,
        }
        for column in self.spec.columns.values():
            row[column.column] = column.value(item.properties.get(column.name))
        return row

    def _ms(self, item: CrmObject) -> int:
        stamp = _optional_ms(item.properties.get(self.modified))
        if stamp is None:
            stamp = _ms(item.updated_at)
        return stamp


def split_properties(
    names: Sequence[str], budget: int = PROPERTIES_QUERY_BUDGET
) -> tuple[list[str], list[str]]:
    """(names that fit in a GET query, names for a POST body), keeping the order."""
    in_query: list[str] = []
    used = 0
    for index, name in enumerate(names):
        cost = len("&properties=") + len(quote(name, safe=""))
        if used + cost > budget:
            return in_query, list(names[index:])
        in_query.append(name)
        used += cost
    return in_query, []


def _combine(objects: Sequence[CrmObject], more: dict[str, CrmObject]) -> list[CrmObject]:
    combined = []
    for item in objects:
        extra = more.get(item.id)
        if extra is not None:
            item = CrmObject(
                item.id,
                {**item.properties, **extra.properties},
                item.created_at,
                item.updated_at,
                item.archived_at,
            )
        combined.append(item)
    return combined


def _filter(name: str, operator: str, value: Any) -> dict[str, Any]:
    return {"propertyName": name, "operator": operator, "value": str(value)}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _ms(moment: datetime | None) -> int:
    return int(moment.timestamp() * 1000) if moment is not None else 0


def _optional_ms(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return _ms(parse_datetime(raw))
    except ValueError:
        return None


def _cursor_ids(ids: set[str] | None) -> list[str] | None:
    if ids is None or len(ids) > MAX_CURSOR_IDS:
        return None
    return sorted(ids, key=id_order)
