"""The stand-in CRM's data: records, property definitions, associations, and the
mutation helpers tests and the demo use to change it.

Every change to a record's values stamps its last-modified property and `updatedAt`
from the sandbox clock, strictly increasing, so a change is always later than what a
pipeline already saw. Adding or removing an association stamps neither record: the
real API does not document that it does, so the sandbox takes the harder case.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..clock import Clock
from .catalog import (
    ASSOCIATIONS,
    DEFAULT_PROPERTIES,
    OBJECT_TYPES,
    PropertySpec,
    created_property,
    last_modified_property,
    property_definition,
)


def iso(moment: datetime) -> str:
    """HubSpot's timestamp format: UTC, milliseconds, `Z`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


@dataclass
class CrmRecord:
    id: str
    object_type: str
    properties: dict[str, str | None]
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = None
    merged_into: str | None = None  # set on a contact merged away into another

    @property
    def live(self) -> bool:
        return self.archived_at is None and self.merged_into is None


LinkKey = tuple[str, str]  # (object_type, object_id)


@dataclass
class CrmStore:
    """Thread-safe in-memory CRM. Ids are unique across all object types."""

    clock: Clock
    records: dict[str, dict[str, CrmRecord]] = field(
        default_factory=lambda: {t: {} for t in OBJECT_TYPES}
    )
    properties: dict[str, dict[str, PropertySpec]] = field(default_factory=dict)
    # (from_type, from_id) -> {(to_type, to_id): {association type ids}}; both directions kept
    links: dict[LinkKey, dict[LinkKey, set[int]]] = field(default_factory=dict)
    definitions_stamp: str = "2019-08-06T02:43:01.117Z"
    next_id: int = 1001
    lock: threading.RLock = field(default_factory=threading.RLock)
    _last_ms: int = 0

    def __post_init__(self) -> None:
        for object_type, specs in DEFAULT_PROPERTIES.items():
            self.properties[object_type] = {spec.name: spec for spec in specs}

    # -- time and ids -----------------------------------------------------------------
    def tick(self, step_ms: int = 1) -> datetime:
        """The next modification time: the clock, but never at or before the last one."""
        with self.lock:
            now = to_ms(self.clock.now())
            self._last_ms = max(now, self._last_ms + step_ms)
            return from_ms(self._last_ms)

    def _allocate_id(self) -> str:
        value = str(self.next_id)
        self.next_id += 1
        return value

    # -- low-level writes (used by the sample data and the helpers) ---------------------
    def insert(
        self,
        object_type: str,
        properties: Mapping[str, str | None],
        created: datetime,
        updated: datetime,
    ) -> CrmRecord:
        with self.lock:
            record_id = self._allocate_id()
            values = dict(properties)
            values[created_property(object_type)] = iso(created)
            values[last_modified_property(object_type)] = iso(updated)
            values["hs_object_id"] = record_id
            record = CrmRecord(record_id, object_type, values, created, updated)
            self.records[object_type][record_id] = record
            self._last_ms = max(self._last_ms, to_ms(updated))
            return record

    def link(
        self, from_type: str, from_id: str, to_type: str, to_id: str, type_ids: Iterable[int]
    ) -> None:
        """Store a link in both directions (inverse type ids on the way back)."""
        with self.lock:
            forward = self.links.setdefault((from_type, from_id), {})
            backward = self.links.setdefault((to_type, to_id), {})
            for type_id in type_ids:
                forward.setdefault((to_type, to_id), set()).add(type_id)
                inverse = ASSOCIATIONS.inverse(from_type, to_type, type_id)
                backward.setdefault((from_type, from_id), set()).add(inverse)

    def _unlink(self, a: LinkKey, b: LinkKey) -> bool:
        removed = self.links.get(a, {}).pop(b, None) is not None
        removed = self.links.get(b, {}).pop(a, None) is not None or removed
        return removed

    def _stamp(self, record: CrmRecord, moment: datetime) -> None:
        record.updated_at = moment
        record.properties[last_modified_property(record.object_type)] = iso(moment)

    # -- reads --------------------------------------------------------------------------
    def record(self, object_type: str, object_id: str) -> CrmRecord:
        with self.lock:
            try:
                return self.records[object_type][object_id]
            except KeyError:
                raise KeyError(f"no {object_type} record with id {object_id}") from None

    def resolve(self, object_type: str, object_id: str) -> CrmRecord | None:
        """A record by id; a contact merged away resolves to the one it was merged into."""
        with self.lock:
            record = self.records.get(object_type, {}).get(object_id)
            seen = set()
            while record is not None and record.merged_into and record.id not in seen:
                seen.add(record.id)
                record = self.records[object_type].get(record.merged_into)
            return record

    def live_records(self, object_type: str) -> list[CrmRecord]:
        with self.lock:
            return [r for r in self.records[object_type].values() if r.live]

    def archived_records(self, object_type: str) -> list[CrmRecord]:
        with self.lock:
            return [r for r in self.records[object_type].values() if r.archived_at is not None]

    def ids(self, object_type: str, *, archived: bool = False) -> list[str]:
        """Ids of live records (or of archived ones), in id order."""
        chosen = self.archived_records(object_type) if archived else self.live_records(object_type)
        return [r.id for r in chosen]

    def property_spec(self, object_type: str, name: str) -> PropertySpec | None:
        return self.properties[object_type].get(name)

    def definitions(self, object_type: str) -> list[dict[str, Any]]:
        with self.lock:
            specs = list(self.properties[object_type].values())
        return [property_definition(s, i, self.definitions_stamp) for i, s in enumerate(specs)]

    def visible_links(
        self, object_type: str, object_id: str, to_type: str
    ) -> list[tuple[str, list[int]]]:
        """Associations of a live record to live records of `to_type`, by target id."""
        with self.lock:
            found = []
            for (other_type, other_id), type_ids in self.links.get(
                (object_type, object_id), {}
            ).items():
                if other_type != to_type:
                    continue
                target = self.records[other_type].get(other_id)
                if target is not None and target.live and type_ids:
                    found.append((other_id, sorted(type_ids)))
            found.sort(key=lambda item: int(item[0]))
            return found

    # -- mutation helpers (tests and the demo) ------------------------------------------
    def edit(
        self,
        object_type: str,
        object_id: str,
        properties: Mapping[str, Any] | None = None,
        **more: Any,
    ) -> CrmRecord:
        """Change property values (None clears one); stamps the last-modified property."""
        values = {**(properties or {}), **more}
        with self.lock:
            record = self.record(object_type, object_id)
            if not record.live:
                raise KeyError(f"{object_type} {object_id} is archived or merged; restore it first")
            for name, value in values.items():
                self._check_property(object_type, name)
                record.properties[name] = None if value is None else _wire_value(value)
            self._stamp(record, self.tick())
            return record

    def create(
        self,
        object_type: str,
        properties: Mapping[str, Any] | None = None,
        *,
        associations: Iterable[tuple[str, str]] = (),
    ) -> CrmRecord:
        """Add a record (optionally linked to (to_type, to_id) records); returns it."""
        with self.lock:
            for name in properties or {}:
                self._check_property(object_type, name)
            moment = self.tick()
            values = {
                k: None if v is None else _wire_value(v) for k, v in (properties or {}).items()
            }
            record = self.insert(object_type, values, moment, moment)
            for to_type, to_id in associations:
                self.associate(object_type, record.id, to_type, to_id)
            return record

    def archive(self, object_type: str, object_id: str) -> CrmRecord:
        """DELETE: the record leaves list and search and shows up under archived=true."""
        with self.lock:
            record = self.record(object_type, object_id)
            if record.archived_at is None and record.merged_into is None:
                moment = self.tick()
                record.archived_at = moment
                self._stamp(record, moment)
            return record

    def restore(self, object_type: str, object_id: str) -> CrmRecord:
        """Undo an archive (HubSpot keeps archived records restorable for 90 days)."""
        with self.lock:
            record = self.record(object_type, object_id)
            if record.archived_at is not None:
                record.archived_at = None
                self._stamp(record, self.tick())
            return record

    def purge(self, object_type: str, object_id: str) -> None:
        """A GDPR delete: the record and its links vanish without a trace."""
        with self.lock:
            self.records[object_type].pop(object_id, None)
            for other in list(self.links.pop((object_type, object_id), {})):
                self.links.get(other, {}).pop((object_type, object_id), None)

    def merge_contacts(self, primary_id: str, merged_id: str) -> CrmRecord:
        """Merge contact `merged_id` into `primary_id`, as POST /contacts/merge does.

        The merged-away contact disappears from list and search (it is not archived);
        reading its old id returns the surviving contact. The survivor keeps its own
        values, takes the other's where it has none, inherits its associations, and
        lists the absorbed ids in `hs_merged_object_ids` ("id1;id2").
        """
        with self.lock:
            primary = self.record("contacts", primary_id)
            merged = self.record("contacts", merged_id)
            if primary_id == merged_id or not primary.live or not merged.live:
                raise ValueError("merge needs two different live contacts")
            moment = self.tick()
            for name, value in merged.properties.items():
                if name in _SYSTEM_PROPERTIES or value in (None, ""):
                    continue
                if primary.properties.get(name) in (None, ""):
                    primary.properties[name] = value
            absorbed = [
                *_split(primary.properties.get("hs_merged_object_ids")),
                merged_id,
                *_split(merged.properties.get("hs_merged_object_ids")),
            ]
            primary.properties["hs_merged_object_ids"] = ";".join(dict.fromkeys(absorbed))
            merged.merged_into = primary_id
            merged.updated_at = moment
            for (other_type, other_id), type_ids in list(
                self.links.get(("contacts", merged_id), {}).items()
            ):
                self._unlink(("contacts", merged_id), (other_type, other_id))
                keep = set(type_ids)
                primary_type = ASSOCIATIONS.primary.get(("contacts", other_type))
                if primary_type in keep and self._has_primary(primary_id, other_type):
                    keep.discard(primary_type)
                if keep:
                    self.link("contacts", primary_id, other_type, other_id, keep)
            self._stamp(primary, moment)
            return primary

    def associate(
        self,
        from_type: str,
        from_id: str,
        to_type: str,
        to_id: str,
        *,
        primary: bool = False,
    ) -> None:
        """Link two records with the default (unlabeled) type, and Primary when asked.

        Neither record's last-modified time moves (see the module docstring)."""
        with self.lock:
            self.record(from_type, from_id)
            self.record(to_type, to_id)
            if not ASSOCIATIONS.supports(from_type, to_type):
                raise ValueError(f"no association type between {from_type} and {to_type}")
            type_ids = {ASSOCIATIONS.unlabeled[(from_type, to_type)]}
            if primary:
                primary_type = ASSOCIATIONS.primary.get((from_type, to_type))
                if primary_type is None:
                    raise ValueError(f"{from_type} -> {to_type} has no primary association")
                for (other_type, other_id), ids in self.links.get((from_type, from_id), {}).items():
                    if other_type == to_type and primary_type in ids:
                        self._drop_type(from_type, from_id, other_type, other_id, primary_type)
                type_ids.add(primary_type)
            self.link(from_type, from_id, to_type, to_id, type_ids)

    def dissociate(self, from_type: str, from_id: str, to_type: str, to_id: str) -> bool:
        """Remove every association between two records; True when there was one.

        Neither record's last-modified time moves (see the module docstring)."""
        with self.lock:
            return self._unlink((from_type, from_id), (to_type, to_id))

    def touch(
        self,
        object_type: str,
        ids: Iterable[str] | None = None,
        *,
        count: int | None = None,
        step_ms: int = 1,
    ) -> list[str]:
        """Stamp records as modified without changing values (a bulk update).

        `ids` or the first `count` live records; `step_ms=0` gives them all the same
        timestamp, as a bulk import does.
        """
        with self.lock:
            if ids is None:
                chosen = self.live_records(object_type)[:count]
            else:
                chosen = [self.record(object_type, i) for i in ids]
            moment = self.tick()
            for index, record in enumerate(chosen):
                self._stamp(record, moment + timedelta(milliseconds=index * step_ms))
            if chosen:
                self._last_ms = max(self._last_ms, to_ms(chosen[-1].updated_at))
            return [r.id for r in chosen]

    def create_many(
        self,
        object_type: str,
        count: int,
        *,
        step_ms: int = 1,
        properties: Callable[[int], Mapping[str, str]] | None = None,
    ) -> list[str]:
        """Add `count` records quickly (no associations); returns their ids."""
        make = properties or _bulk_properties(object_type)
        with self.lock:
            start = self.tick()
            ids = []
            for index in range(count):
                moment = start + timedelta(milliseconds=index * step_ms)
                ids.append(self.insert(object_type, make(index), moment, moment).id)
            return ids

    def define_property(
        self,
        object_type: str,
        name: str,
        type: str = "string",  # noqa: A002 - HubSpot's own field name
        field_type: str = "text",
        *,
        options: Iterable[str] = (),
        label: str = "",
    ) -> None:
        """Add a custom property definition (as a portal admin would)."""
        with self.lock:
            self.properties[object_type][name] = PropertySpec(
                name, type, field_type, label, "custom", tuple(options), hubspot_defined=False
            )
            self.definitions_stamp = iso(self.tick())

    # -- internals ------------------------------------------------------------------------
    def _check_property(self, object_type: str, name: str) -> None:
        if name not in self.properties[object_type]:
            raise KeyError(f"Property {name!r} does not exist on {object_type}")
        if name in _SYSTEM_PROPERTIES:
            raise KeyError(f"Property {name!r} is read-only")

    def _has_primary(self, contact_id: str, other_type: str) -> bool:
        primary_type = ASSOCIATIONS.primary.get(("contacts", other_type))
        return any(
            t == other_type and primary_type in ids
            for (t, _), ids in self.links.get(("contacts", contact_id), {}).items()
        )

    def _drop_type(
        self, from_type: str, from_id: str, to_type: str, to_id: str, type_id: int
    ) -> None:
        self.links[(from_type, from_id)][(to_type, to_id)].discard(type_id)
        inverse = ASSOCIATIONS.inverse(from_type, to_type, type_id)
        self.links[(to_type, to_id)][(from_type, from_id)].discard(inverse)


_SYSTEM_PROPERTIES = frozenset(
    {
        "hs_object_id",
        "createdate",
        "hs_createdate",
        "lastmodifieddate",
        "hs_lastmodifieddate",
        "hs_merged_object_ids",
    }
)


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part]


def _wire_value(value: Any) -> str:
    """Property values travel as strings: booleans as 'true'/'false'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    return str(value)


def _bulk_properties(object_type: str) -> Callable[[int], Mapping[str, str]]:
    if object_type == "contacts":
        return lambda i: {
            "email": f"bulk.contact{i}@bulk.example",
            "firstname": "Bulk",
            "lastname": f"Contact {i}",
        }
    if object_type == "companies":
        return lambda i: {"name": f"Bulk Company {i}", "domain": f"bulk{i}.example"}
    return lambda i: {}
