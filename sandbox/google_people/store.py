"""The sandbox's address book: people and contact groups, versions and deletions.

Every change bumps one version counter; sync tokens remember the version they cover,
so a sync returns what changed after it, deletions included. The mutation helpers at
the bottom are what tests and the demo call to change the data between runs.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..clock import Clock
from .sample import (
    GroupSeed,
    PersonSeed,
    contact_id,
    email_item,
    membership_item,
    millis,
    name_item,
    organization_item,
    phone_item,
    sample_groups,
    sample_people,
)

PERSON_FIELDS = (
    "addresses",
    "ageRanges",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "coverPhotos",
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
GROUP_FIELDS = ("clientData", "groupType", "memberCount", "metadata", "name")
MY_CONTACTS = "contactGroups/myContacts"
_UNSET = object()


def rfc3339(moment: datetime) -> str:
    """Google's timestamp form: UTC, milliseconds, Z."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def _etag(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:15]
    return prefix + base64.b64encode(digest).decode("ascii")


def canonical_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.strip().startswith("+"):
        return "+" + digits
    return "+1" + digits if len(digits) == 10 else "+" + digits


@dataclass
class StoredPerson:
    resource_name: str
    source_id: str
    update_time: datetime
    version: int
    fields: dict[str, list[dict]] = field(default_factory=dict)
    primary: dict[str, int] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return _etag("%", self.resource_name, self.version)

    def source(self, *, full: bool) -> dict:
        source = {"type": "CONTACT", "id": self.source_id}
        if full:
            source |= {
                "etag": _etag("#", self.source_id, self.version),
                "updateTime": rfc3339(self.update_time),
            }
        return source

    def render(self, wanted: set[str]) -> dict:
        person: dict = {"resourceName": self.resource_name, "etag": self.etag}
        if "metadata" in wanted:
            person["metadata"] = {"sources": [self.source(full=True)], "objectType": "PERSON"}
        for name in PERSON_FIELDS:
            items = self.fields.get(name)
            if name not in wanted or not items:
                continue
            rendered = []
            for index, item in enumerate(items):
                metadata: dict = {"source": self.source(full=False)}
                if name != "memberships" and index == self.primary.get(name, 0):
                    metadata = {"primary": True, "sourcePrimary": True, **metadata}
                rendered.append({"metadata": metadata, **copy.deepcopy(item)})
            person[name] = rendered
        return person

    def group_names(self) -> list[str]:
        return [
            m["contactGroupMembership"]["contactGroupResourceName"]
            for m in self.fields.get("memberships", [])
        ]


@dataclass
class Removed:
    """What a sync still reports about a deleted person or group."""

    resource_name: str
    source_id: str  # the CONTACT source of a person; empty for a group
    deleted_at: datetime
    version: int

    def render_person(self) -> dict:
        return {
            "resourceName": self.resource_name,
            "etag": _etag("%", self.resource_name, self.version),
            "metadata": {
                "sources": [
                    {
                        "type": "CONTACT",
                        "id": self.source_id,
                        "etag": _etag("#", self.source_id, self.version),
                        "updateTime": rfc3339(self.deleted_at),
                    }
                ],
                "deleted": True,
            },
        }

    def render_group(self) -> dict:
        return {
            "resourceName": self.resource_name,
            "etag": _etag("", self.resource_name, self.version),
            "metadata": {"updateTime": rfc3339(self.deleted_at), "deleted": True},
        }


@dataclass
class StoredGroup:
    resource_name: str
    name: str
    formatted_name: str
    group_type: str
    update_time: datetime
    version: int

    def render(self, wanted: set[str], member_count: int) -> dict:
        group: dict = {
            "resourceName": self.resource_name,
            "etag": _etag("", self.resource_name, self.version),
        }
        if "metadata" in wanted:
            group["metadata"] = {"updateTime": rfc3339(self.update_time)}
        if "groupType" in wanted:
            group["groupType"] = self.group_type
        if "name" in wanted:
            group |= {"name": self.name, "formattedName": self.formatted_name}
        if "memberCount" in wanted and member_count:
            group["memberCount"] = member_count
        return group


class ContactsStore:
    """People and contact groups of the one sandbox user, thread-safe."""

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.version = 0
        self.generation = 0  # sync tokens of older generations are expired
        self._rng = random.Random(f"google-store-{seed}")
        groups = sample_groups(seed, anchor)
        self.groups: dict[str, StoredGroup] = {}
        self.removed_groups: dict[str, Removed] = {}
        for seed_group in sorted(groups, key=lambda g: g.update_time):
            self._put_group(seed_group)
        self.people: dict[str, StoredPerson] = {}
        self.removed_people: dict[str, Removed] = {}
        for seed_person in sample_people(seed, anchor, groups):
            self._put_person(seed_person)

    def _bump(self) -> int:
        self.version += 1
        return self.version

    def _put_group(self, seed: GroupSeed) -> None:
        self.groups[seed.resource_name] = StoredGroup(
            seed.resource_name,
            seed.name,
            seed.formatted_name,
            seed.group_type,
            seed.update_time,
            self._bump(),
        )

    def _put_person(self, seed: PersonSeed) -> None:
        self.people[seed.resource_name] = StoredPerson(
            seed.resource_name,
            seed.source_id,
            seed.update_time,
            self._bump(),
            seed.fields,
            seed.primary,
        )

    def _now(self) -> datetime:
        return millis(self.clock.now())

    # -- reads used by the API ------------------------------------------------------
    def live_people(self, sort_order: str) -> list[str]:
        people = list(self.people.values())
        if sort_order == "FIRST_NAME_ASCENDING":
            people.sort(key=lambda p: (_name_key(p, "givenName"), _name_key(p, "familyName")))
        elif sort_order == "LAST_NAME_ASCENDING":
            people.sort(key=lambda p: (_name_key(p, "familyName"), _name_key(p, "givenName")))
        else:
            people.sort(key=lambda p: (p.update_time, p.version))
            if sort_order == "LAST_MODIFIED_DESCENDING":
                people.reverse()
        return [p.resource_name for p in people]

    def people_changed_since(self, version: int) -> list[str]:
        changed = [(p.version, p.resource_name) for p in self.people.values()]
        changed += [(r.version, r.resource_name) for r in self.removed_people.values()]
        return [name for v, name in sorted(changed) if v > version]

    def render_person(self, resource_name: str, wanted: set[str], *, sync: bool) -> dict | None:
        person = self.people.get(resource_name)
        if person is not None:
            return person.render(wanted)
        removed = self.removed_people.get(resource_name)
        return removed.render_person() if removed is not None and sync else None

    def live_groups(self) -> list[str]:
        ordered = sorted(self.groups.values(), key=lambda g: (g.group_type, g.name.casefold()))
        return [g.resource_name for g in ordered]

    def groups_changed_since(self, version: int) -> list[str]:
        changed = [(g.version, g.resource_name) for g in self.groups.values()]
        changed += [(r.version, r.resource_name) for r in self.removed_groups.values()]
        return [name for v, name in sorted(changed) if v > version]

    def render_group(self, resource_name: str, wanted: set[str], *, sync: bool) -> dict | None:
        group = self.groups.get(resource_name)
        if group is not None:
            members = sum(resource_name in p.group_names() for p in self.people.values())
            if resource_name == "contactGroups/all":
                members = len(self.people)
            return group.render(wanted, members)
        removed = self.removed_groups.get(resource_name)
        return removed.render_group() if removed is not None and sync else None

    # -- mutation helpers (tests and the demo) --------------------------------------
    def resource_names(self) -> list[str]:
        """Live people, oldest change first."""
        with self.lock:
            return self.live_people("LAST_MODIFIED_ASCENDING")

    def person(self, resource_name: str) -> dict:
        """A live person as the API renders it with every field."""
        with self.lock:
            return self.people[resource_name].render(set(PERSON_FIELDS))

    def add_person(
        self,
        given_name: str,
        family_name: str = "",
        *,
        emails: tuple[str, ...] | list[str] = (),
        phones: tuple[str, ...] | list[str] = (),
        organization: str | None = None,
        job_title: str | None = None,
        birthday: tuple[int | None, int, int] | None = None,
        groups: tuple[str, ...] | list[str] = (MY_CONTACTS,),
    ) -> str:
        """Create a contact; the first email and phone are primary. Returns its resource name."""
        with self.lock:
            resource_name, source_id = contact_id(self._rng)
            seed = PersonSeed(resource_name, source_id, self._now())
            self._put_person(seed)
            self._apply(
                self.people[resource_name],
                given_name=given_name,
                family_name=family_name,
                emails=list(emails),
                phones=list(phones),
                organization=organization,
                job_title=job_title,
                birthday=birthday,
                groups=list(groups),
            )
            return resource_name

    def edit_person(
        self,
        resource_name: str,
        *,
        given_name: str | None = None,
        family_name: str | None = None,
        emails: list[str] | None = None,
        phones: list[str] | None = None,
        organization: str | None = None,
        job_title: str | None = None,
        birthday: object = _UNSET,
        groups: list[str] | None = None,
    ) -> None:
        """Change the given fields (None leaves a field alone; `birthday=None` removes it)."""
        with self.lock:
            person = self.people[resource_name]
            self._apply(
                person,
                given_name=given_name,
                family_name=family_name,
                emails=emails,
                phones=phones,
                organization=organization,
                job_title=job_title,
                birthday=birthday,
                groups=groups,
            )
            person.version, person.update_time = self._bump(), self._now()

    def delete_person(self, resource_name: str) -> None:
        with self.lock:
            person = self.people.pop(resource_name)
            self.removed_people[resource_name] = Removed(
                resource_name, person.source_id, self._now(), self._bump()
            )

    def add_group(self, name: str) -> str:
        with self.lock:
            resource_name = f"contactGroups/{self._rng.getrandbits(60):x}"
            seed = GroupSeed(resource_name, name, name, "USER_CONTACT_GROUP", self._now())
            self._put_group(seed)
            return resource_name

    def rename_group(self, resource_name: str, name: str) -> None:
        with self.lock:
            group = self.groups[resource_name]
            group.name = group.formatted_name = name
            group.version, group.update_time = self._bump(), self._now()

    def delete_group(self, resource_name: str) -> None:
        """Delete a user group; its members lose the membership (and so change too)."""
        with self.lock:
            del self.groups[resource_name]
            self.removed_groups[resource_name] = Removed(
                resource_name, "", self._now(), self._bump()
            )
            for person in self.people.values():
                if resource_name in person.group_names():
                    keep = [g for g in person.group_names() if g != resource_name]
                    person.fields["memberships"] = [membership_item(g) for g in keep]
                    person.version, person.update_time = self._bump(), self._now()

    def expire_sync_tokens(self) -> None:
        """Every sync token issued so far is now expired (as seven days later)."""
        with self.lock:
            self.generation += 1

    # -- internals ------------------------------------------------------------------
    def _apply(self, person: StoredPerson, **changes: object) -> None:
        fields, primary = person.fields, person.primary
        if changes["given_name"] is not None or changes["family_name"] is not None:
            current = (fields.get("names") or [{}])[0]
            given = changes["given_name"]
            family = changes["family_name"]
            fields["names"] = [
                name_item(
                    str(given if given is not None else current.get("givenName", "")),
                    str(family if family is not None else current.get("familyName", "")),
                )
            ]
            primary["names"] = 0
        if changes["emails"] is not None:
            kinds = ("work", "home", "other")
            items = [email_item(e, kinds[min(i, 2)]) for i, e in enumerate(changes["emails"])]
            _set(person, "emailAddresses", items)
        if changes["phones"] is not None:
            items = [phone_item(p, canonical_phone(p)) for p in changes["phones"]]
            _set(person, "phoneNumbers", items)
        if changes["organization"] is not None or changes["job_title"] is not None:
            current = (fields.get("organizations") or [{}])[0]
            org = changes["organization"]
            title = changes["job_title"]
            item = organization_item(
                org if org is not None else current.get("name"),
                title if title is not None else current.get("title"),
            )
            _set(person, "organizations", [item])
        if changes["birthday"] is not _UNSET:
            birthday = changes["birthday"]
            items = []
            if birthday is not None:
                year, month, day = birthday  # type: ignore[misc]
                when = {"month": month, "day": day}
                items = [{"date": {"year": year, **when} if year else when}]
            _set(person, "birthdays", items)
        if changes["groups"] is not None:
            fields["memberships"] = [membership_item(g) for g in changes["groups"]]


def _set(person: StoredPerson, name: str, items: list[dict]) -> None:
    if items:
        person.fields[name], person.primary[name] = items, 0
    else:
        person.fields.pop(name, None)
        person.primary.pop(name, None)


def _name_key(person: StoredPerson, part: str) -> str:
    names = person.fields.get("names") or [{}]
    return str(names[0].get(part, "")).casefold()
