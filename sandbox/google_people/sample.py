"""Deterministic Google Contacts sample data built from the shared cast of people.

Of the 300 people, the first 100 are also in the CRM. They match it the awkward ways
real address books do: some by the work email written with other casing or stray
spaces, some only by a phone number in another format, some by a personal email.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ..people import Person, google_people, hubspot_people

SYSTEM_GROUPS = (
    ("myContacts", "My Contacts"),
    ("starred", "Starred"),
    ("friends", "Friends"),
    ("family", "Family"),
    ("coworkers", "Coworkers"),
    ("chatBuddies", "Chat contacts"),
    ("all", "All contacts"),
    ("blocked", "Blocked"),
)
USER_GROUPS = (
    "Book club",
    "Climbing",
    "Conference 2025",
    "Neighbours",
    "Former colleagues",
    "Startup founders",
)
PHONE_TYPES = (("mobile", "Mobile"), ("work", "Work"), ("home", "Home"))


@dataclass
class GroupSeed:
    resource_name: str
    name: str
    formatted_name: str
    group_type: str  # USER_CONTACT_GROUP or SYSTEM_CONTACT_GROUP
    update_time: datetime


@dataclass
class PersonSeed:
    resource_name: str
    source_id: str
    update_time: datetime
    fields: dict[str, list[dict]] = field(default_factory=dict)  # items without metadata
    primary: dict[str, int] = field(default_factory=dict)  # field -> index of the primary item


def contact_id(rng: random.Random) -> tuple[str, str]:
    """A resource name and its CONTACT source id: the same number, decimal and hex."""
    number = rng.getrandbits(63) | (1 << 62)
    return f"people/c{number}", format(number, "x")


def millis(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def sample_groups(seed: int, anchor: date) -> list[GroupSeed]:
    rng = random.Random(f"google-groups-{seed}")
    end = datetime.combine(anchor, time(23, 59), tzinfo=UTC)
    groups = [
        GroupSeed(
            f"contactGroups/{name}",
            name,
            formatted,
            "SYSTEM_CONTACT_GROUP",
            millis(end - timedelta(days=400 + rng.uniform(0, 300))),
        )
        for name, formatted in SYSTEM_GROUPS
    ]
    for name in USER_GROUPS:
        groups.append(
            GroupSeed(
                f"contactGroups/{rng.getrandbits(60):x}",
                name,
                name,
                "USER_CONTACT_GROUP",
                millis(end - timedelta(days=rng.uniform(0, 365))),
            )
        )
    return groups


def sample_people(seed: int, anchor: date, groups: list[GroupSeed]) -> list[PersonSeed]:
    """The 300 Google contacts, oldest update first."""
    rng = random.Random(f"google-people-{seed}")
    end = datetime.combine(anchor, time(23, 59, 59), tzinfo=UTC)
    in_crm = {p.index for p in hubspot_people(seed)}
    user_groups = [g.resource_name for g in groups if g.group_type == "USER_CONTACT_GROUP"]
    seeds = []
    for person in google_people(seed):
        resource_name, source_id = contact_id(rng)
        updated = millis(end - timedelta(seconds=rng.uniform(0, 365 * 86400)))
        seed_ = PersonSeed(resource_name, source_id, updated)
        _names(seed_, person, rng)
        _emails(seed_, person, rng, in_crm=person.index in in_crm)
        _phones(seed_, person, rng, in_crm=person.index in in_crm)
        _organization(seed_, person, rng)
        _birthday(seed_, person, rng)
        _memberships(seed_, rng, user_groups)
        _extras(seed_, person, rng)
        seeds.append(seed_)
    seeds.sort(key=lambda s: (s.update_time, s.resource_name))
    return seeds


def name_item(given: str, family: str) -> dict:
    return {
        "displayName": f"{given} {family}".strip(),
        "familyName": family,
        "givenName": given,
        "displayNameLastFirst": f"{family}, {given}" if family else given,
        "unstructuredName": f"{given} {family}".strip(),
    }


def email_item(value: str, kind: str) -> dict:
    return {"value": value, "type": kind, "formattedType": kind.capitalize()}


def phone_item(value: str, canonical: str, kind: str = "mobile") -> dict:
    formatted = dict(PHONE_TYPES).get(kind, kind.capitalize())
    return {"value": value, "canonicalForm": canonical, "type": kind, "formattedType": formatted}


def organization_item(name: str | None, title: str | None) -> dict:
    item: dict = {"current": True, "type": "work", "formattedType": "Work"}
    if name:
        item["name"] = name
    if title:
        item["title"] = title
    return item


def membership_item(group_resource_name: str) -> dict:
    return {
        "contactGroupMembership": {
            "contactGroupId": group_resource_name.split("/", 1)[1],
            "contactGroupResourceName": group_resource_name,
        }
    }


def reformat_phone(e164: str, style: int) -> str:
    """A NANP number (+1 555 ...) written the ways people type it."""
    digits = e164.removeprefix("+1")
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    return (
        f"({area}) {exchange}-{line}",
        f"{area}-{exchange}-{line}",
        f"+1 {area} {exchange} {line}",
        f"{area}.{exchange}.{line}",
    )[style % 4]


def _names(seed: PersonSeed, person: Person, rng: random.Random) -> None:
    seed.fields["names"] = [name_item(person.first_name, person.last_name)]
    seed.primary["names"] = 0


def _messy_case(email: str, rng: random.Random) -> str:
    local, domain = email.split("@")
    style = rng.randrange(3)
    if style == 0:
        local = ".".join(part.capitalize() for part in local.split("."))
    elif style == 1:
        email = email.upper()
        return email if rng.random() < 0.5 else f" {email} "
    else:
        domain = domain.capitalize()
    cased = f"{local}@{domain}"
    return f"{cased} " if rng.random() < 0.4 else cased


def _emails(seed: PersonSeed, person: Person, rng: random.Random, *, in_crm: bool) -> None:
    items: list[dict] = []
    primary = 0
    if in_crm:
        how = person.index % 3
        if how == 0:  # the CRM's work email, written differently
            items.append(email_item(_messy_case(person.email, rng), "work"))
        elif how == 1:  # no shared email: matched by phone only
            if rng.random() < 0.5:
                handle = f"{person.first_name}.{person.last_name}".lower().replace(" ", "")
                items.append(email_item(f"{handle}@home.example", "home"))
        else:  # the personal address
            items.append(email_item(person.personal_email, "home"))
    else:
        items.append(email_item(person.email, "work"))
        if rng.random() < 0.4:
            items.append(email_item(person.personal_email, "home"))
            if rng.random() < 0.5:  # primary is not always listed first
                items.reverse()
                primary = 1
    if items:
        seed.fields["emailAddresses"] = items
        seed.primary["emailAddresses"] = primary


def _phones(seed: PersonSeed, person: Person, rng: random.Random, *, in_crm: bool) -> None:
    if not in_crm and rng.random() < 0.15:
        return
    if in_crm and person.index % 3 == 1:
        value = reformat_phone(person.phone, rng.randrange(4))
    else:
        value = person.phone if rng.random() < 0.5 else reformat_phone(person.phone, 2)
    kind = PHONE_TYPES[rng.randrange(len(PHONE_TYPES))][0]
    items = [phone_item(value, person.phone, kind)]
    if rng.random() < 0.2:
        extra = f"+1555{rng.randint(1000000, 9999999)}"
        items.append(phone_item(reformat_phone(extra, 0), extra, "home"))
    seed.fields["phoneNumbers"] = items
    seed.primary["phoneNumbers"] = 0


def _organization(seed: PersonSeed, person: Person, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.08:
        return
    title = person.job_title if roll > 0.18 else None
    seed.fields["organizations"] = [organization_item(person.company, title)]
    seed.primary["organizations"] = 0


def _birthday(seed: PersonSeed, person: Person, rng: random.Random) -> None:
    if person.birthday is None:
        if person.index % 29 == 0:  # a free-text birthday with no structured date
            seed.fields["birthdays"] = [{"text": "early June"}]
            seed.primary["birthdays"] = 0
        return
    year, month, day = person.birthday
    when: dict = {"month": month, "day": day}
    if year is not None:
        when = {"year": year, **when}
    elif person.index % 2 == 0:  # "year not known" written out as 0
        when = {"year": 0, **when}
    seed.fields["birthdays"] = [{"date": when}]
    seed.primary["birthdays"] = 0


def _memberships(seed: PersonSeed, rng: random.Random, user_groups: list[str]) -> None:
    groups = ["contactGroups/myContacts"]
    if rng.random() < 0.1:
        groups.append("contactGroups/starred")
    groups += rng.sample(user_groups, k=rng.choice((0, 0, 1, 1, 2)))
    seed.fields["memberships"] = [membership_item(g) for g in groups]


def _extras(seed: PersonSeed, person: Person, rng: random.Random) -> None:
    if rng.random() < 0.15:
        seed.fields["nicknames"] = [{"value": person.first_name[:3]}]
    if rng.random() < 0.2:
        handle = f"{person.first_name}-{person.last_name}".lower().replace(" ", "-")
        seed.fields["urls"] = [
            {"value": f"https://www.linkedin.example/in/{handle}", "type": "profile"}
        ]
    if rng.random() < 0.1:
        seed.fields["biographies"] = [
            {"value": f"Met through {person.company}.", "contentType": "TEXT_PLAIN"}
        ]
