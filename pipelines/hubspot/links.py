"""Keeping the associations table true: re-read links, compare, flag what disappeared.

HubSpot has no feed of association changes, a removed link leaves no trace, and
nothing documents that adding or removing one changes either record's last-modified
time. So the source remembers, in its state, the links it last saw for every object
(an empty entry for an object without links), and each run re-reads with the v4 batch
read (1,000 objects a request):

- the links of every object that changed in the run, and
- on a run that sweeps (at most once per `association_sweep_interval_hours`, a day
  by default; the feed decides), the next `sweep_size` remembered objects of each
  type, in id order, wrapping around. With up to `sweep_size` objects of a type (the
  default 1,000 fits a personal CRM) every link is checked at each sweep, in the same
  requests as the changed objects: one request per link direction. Larger types are
  checked over several sweeps, at a fixed cost per sweep.

Links that disappeared, and every link of an archived or merged-away object, come out
with `is_deleted = true`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .client import CrmClient
from .settings import ASSOCIATION_BATCH_SIZE

# state layout: {from_type: {from_id: {"<to_type>:<to_id>:<type_id>": label}}}
LinkState = dict[str, dict[str, dict[str, str | None]]]
# where each type's sweep stopped: {from_type: last swept id}
SweepState = dict[str, str]
_ABSENT = object()


def link_key(to_type: str, to_id: str, type_id: int) -> str:
    return f"{to_type}:{to_id}:{type_id}"


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class LinkLedger:
    """Link changes of one run, applied to the remembered links as they are found."""

    def __init__(
        self,
        client: CrmClient,
        targets: Mapping[str, Sequence[str]],
        state: LinkState,
        sweep: SweepState,
        sweep_size: int = ASSOCIATION_BATCH_SIZE,
    ) -> None:
        self.client = client
        self.targets = targets  # from_type -> to_types
        self.state = state
        self.sweep = sweep
        self.sweep_size = max(0, sweep_size)
        self._swept: set[str] = set()
        self._pending: dict[str, dict[str, None]] = {}
        self._rows: dict[tuple[str, str, str, str, int], dict[str, Any]] = {}

    def track(self, from_type: str, ids: Iterable[str]) -> None:
        """Objects whose links must be read again before the run ends."""
        if from_type in self.targets:
            self._pending.setdefault(from_type, {}).update(dict.fromkeys(ids))

    def refresh(self, from_type: str) -> None:
        """Read the links of the tracked objects of `from_type`, and the first time in a run
        also of the next sweep slice, and record the differences."""
        pending = self._pending.pop(from_type, {})
        if from_type in self.targets and from_type not in self._swept:
            self._swept.add(from_type)
            pending.update(dict.fromkeys(self._sweep_slice(from_type, pending)))
        ids = list(pending)
        for to_type in self.targets.get(from_type, ()):
            for batch in chunks(ids, ASSOCIATION_BATCH_SIZE):
                current = self._read(from_type, to_type, batch)
                for from_id in batch:
                    self._apply(from_type, from_id, to_type, current.get(from_id, {}))

    def objects_back(self, object_type: str, ids: Iterable[str]) -> None:
        """Restored objects: find who links to them (a reverse read) and re-read those."""
        back = list(ids)
        if not back:
            return
        self.track(object_type, back)
        for from_type, to_types in self.targets.items():
            if object_type not in to_types or from_type == object_type:
                continue
            for batch in chunks(back, ASSOCIATION_BATCH_SIZE):
                found = self._read(object_type, from_type, batch)
                self.track(from_type, {_target(k) for links in found.values() for k in links})

    def refresh_all(self) -> None:
        """Read whatever is still pending (objects tracked after their type was synced),
        and sweep the types no sync of this run refreshed."""
        for from_type in [*self._pending, *(t for t in self.targets if t not in self._swept)]:
            self.refresh(from_type)

    def objects_gone(self, object_type: str, ids: Iterable[str]) -> None:
        """Flag every remembered link from or to archived or merged-away objects."""
        gone = set(ids)
        if not gone:
            return
        pending = self._pending.get(object_type, {})
        for object_id in gone:
            pending.pop(object_id, None)
            for key, label in self.state.get(object_type, {}).pop(object_id, {}).items():
                self._flag(object_type, object_id, key, label)
        for from_type, objects in self.state.items():
            for from_id, links in objects.items():
                for key in [k for k in links if _target(k) in gone and _type(k) == object_type]:
                    self._flag(from_type, from_id, key, links.pop(key))

    def known_ids(self, object_type: str) -> list[str]:
        """Every live object of `object_type` whose links are remembered (empty for a
        type that is only ever a link target)."""
        return sorted(self.state.get(object_type, {}), key=id_order)

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows.values())

    # -- internals ----------------------------------------------------------------------
    def _sweep_slice(self, from_type: str, skip: Mapping[str, None]) -> list[str]:
        """The next `sweep_size` remembered objects after where the last sweep stopped."""
        known = sorted(self.state.get(from_type, {}), key=id_order)
        if not known or self.sweep_size == 0:
            return []
        last = self.sweep.get(from_type)
        start = bisect.bisect_right([id_order(i) for i in known], id_order(last)) if last else 0
        ring = known[start:] + known[:start]
        chosen = [i for i in ring if i not in skip][: self.sweep_size]
        if len(chosen) < self.sweep_size or not chosen:
            self.sweep.pop(from_type, None)  # everything was covered: start over next time
        else:
            self.sweep[from_type] = chosen[-1]
        return chosen

    def _read(
        self, from_type: str, to_type: str, ids: Sequence[str]
    ) -> dict[str, dict[str, str | None]]:
        found: dict[str, dict[str, str | None]] = {}
        inputs: list[tuple[str, str | None]] = [(i, None) for i in ids]
        while inputs:
            following: list[tuple[str, str | None]] = []
            for batch in chunks(inputs, ASSOCIATION_BATCH_SIZE):
                for read in self.client.associations(from_type, to_type, batch):
                    links = found.setdefault(read.from_id, {})
                    for to_id, type_id, label in read.links:
                        links[link_key(to_type, to_id, type_id)] = label
                    if read.next_after:
                        following.append((read.from_id, read.next_after))
            inputs = following
        return found

    def _apply(
        self, from_type: str, from_id: str, to_type: str, current: dict[str, str | None]
    ) -> None:
        objects = self.state.setdefault(from_type, {})
        known = objects.get(from_id, {})
        prefix = f"{to_type}:"
        before = {k: v for k, v in known.items() if k.startswith(prefix)}
        for key in before.keys() - current.keys():
            self._flag(from_type, from_id, key, before[key])
        for key, label in current.items():
            if before.get(key, _ABSENT) != label:
                self._record(from_type, from_id, key, label, deleted=False)
        # an object without links is remembered too, so the sweep checks it for new ones
        objects[from_id] = {k: v for k, v in known.items() if not k.startswith(prefix)} | current

    def _flag(self, from_type: str, from_id: str, key: str, label: str | None) -> None:
        self._record(from_type, from_id, key, label, deleted=True)

    def _record(
        self, from_type: str, from_id: str, key: str, label: str | None, *, deleted: bool
    ) -> None:
        to_type, to_id, type_id = key.split(":")
        self._rows[(from_type, from_id, to_type, to_id, int(type_id))] = {
            "from_object_type": from_type,
            "from_id": from_id,
            "to_object_type": to_type,
            "to_id": to_id,
            "association_type_id": int(type_id),
            "association_label": label,
            "is_deleted": deleted,
        }


def _type(key: str) -> str:
    return key.split(":", 1)[0]


def _target(key: str) -> str:
    return key.split(":")[1]


def id_order(object_id: str) -> tuple[int, str]:
    """HubSpot ids are numbers: sort them as such."""
    return (int(object_id), "") if object_id.isdigit() else (0, object_id)
