"""Turn People API resources into raw rows shaped by the raw_google contract.

A person or group is checked as it is read (pipelines.core.records): a missing
resourceName, a field of the wrong type (`names` that is not a list, an item that is not
an object, a text field that is not text) or an unreadable update time raises
MalformedRecord, naming the record and the field; the run stops before loading and the
sync token stays where it was.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..core.records import RecordFields, keyed

# the lists a contact row is made of, and the text fields read from their items
PERSON_LISTS = {
    "names": ("displayName", "givenName", "familyName"),
    "emailAddresses": ("value", "type"),
    "phoneNumbers": ("value", "canonicalForm", "type"),
    "organizations": ("name", "title"),
    "birthdays": (),
    "memberships": (),
}


def person_fields(person: Any) -> RecordFields:
    """A person's fields, checked: resourceName, etag, metadata, and each list a row is
    made of (see PERSON_LISTS); `latest_update` checks the sources' update times."""
    fields = keyed(person, "Google person", "resourceName", "contacts", ("metadata.sources.0.id",))
    fields.get("etag", str)
    metadata = fields.nested("metadata")
    if metadata is not None:
        metadata.get("deleted", bool)
    for name, texts in PERSON_LISTS.items():
        for item in fields.items(name):
            item.nested("metadata")
            for text in texts:
                item.get(text, str)
            when = item.nested("date")
            if when is not None:
                for part in ("year", "month", "day"):
                    when.get(part, int)
            membership = item.nested("contactGroupMembership")
            if membership is not None:
                membership.get("contactGroupResourceName", str)
    return fields


def primary_item(items: Any) -> dict | None:
    """The item whose metadata says primary; the first one when none does."""
    if not isinstance(items, list) or not items:
        return None
    for item in items:
        if isinstance(item, dict) and (item.get("metadata") or {}).get("primary"):
            return item
    return items[0] if isinstance(items[0], dict) else None


def latest_update(fields: RecordFields) -> datetime | None:
    """The newest updateTime across the person's sources (checked by `person_fields`)."""
    metadata = fields.nested("metadata")
    times = [s.timestamp("updateTime") for s in metadata.items("sources")] if metadata else []
    known = [t for t in times if t is not None]
    return max(known) if known else None


def birthday_parts(birthdays: Any) -> tuple[date | None, int | None, int | None]:
    """(date, month, day): the date only when the year is known (never a made-up year)."""
    dated = [b for b in birthdays or [] if isinstance(b, dict) and b.get("date")]
    item = primary_item(dated)
    if item is None:
        return None, None, None
    when = item["date"]
    year, month, day = (int(when.get(k) or 0) for k in ("year", "month", "day"))
    month_known = 1 <= month <= 12
    day_known = month_known and 1 <= day <= 31
    if year and day_known:
        try:
            return date(year, month, day), month, day
        except ValueError:  # 31 April, 29 February of a common year
            pass
    return None, month if month_known else None, day if day_known else None


def _emails(items: Any) -> list[dict]:
    primary = primary_item(items)
    return [
        {"value": i.get("value"), "type": i.get("type"), "primary": i is primary}
        for i in items or []
        if isinstance(i, dict)
    ]


def _phones(items: Any) -> list[dict]:
    primary = primary_item(items)
    return [
        {
            "value": i.get("value"),
            "canonical_form": i.get("canonicalForm"),
            "type": i.get("type"),
            "primary": i is primary,
        }
        for i in items or []
        if isinstance(i, dict)
    ]


def _memberships(items: Any) -> list[str]:
    names = {
        (m.get("contactGroupMembership") or {}).get("contactGroupResourceName")
        for m in items or []
        if isinstance(m, dict)
    }
    return sorted(n for n in names if n)


def contact_row(person: dict) -> dict:
    """One raw_google.contacts row; a deleted person keeps only what the sync says."""
    fields = person_fields(person)
    metadata = person.get("metadata") or {}
    if metadata.get("deleted"):
        return deleted_contact_row(
            person["resourceName"],
            etag=person.get("etag"),
            updated_at=latest_update(fields),
            person=person,
        )
    name = primary_item(person.get("names")) or {}
    email = primary_item(person.get("emailAddresses")) or {}
    organization = primary_item(person.get("organizations")) or {}
    birthday, month, day = birthday_parts(person.get("birthdays"))
    return {
        "resource_name": person["resourceName"],
        "etag": person.get("etag"),
        "display_name": name.get("displayName"),
        "given_name": name.get("givenName"),
        "family_name": name.get("familyName"),
        "primary_email": email.get("value"),
        "emails": _emails(person.get("emailAddresses")),
        "phone_numbers": _phones(person.get("phoneNumbers")),
        "organization": organization.get("name"),
        "job_title": organization.get("title"),
        "birthday": birthday,
        "birthday_month": month,
        "birthday_day": day,
        "updated_at": latest_update(fields),
        "is_deleted": False,
        "memberships": _memberships(person.get("memberships")),
        "person": person,
    }


def deleted_contact_row(
    resource_name: str,
    *,
    etag: str | None = None,
    updated_at: datetime | None = None,
    person: dict | None = None,
) -> dict:
    return {
        "resource_name": resource_name,
        "etag": etag,
        "updated_at": updated_at,
        "is_deleted": True,
        "person": person,
    }


def contact_group_row(group: dict) -> dict:
    fields = keyed(group, "Google contact group", "resourceName", "contact_groups")
    for text in ("etag", "name", "formattedName", "groupType"):
        fields.get(text, str)
    metadata = fields.nested("metadata")
    updated_at = metadata.timestamp("updateTime") if metadata else None
    if metadata is not None and metadata.get("deleted", bool):
        return deleted_group_row(
            group["resourceName"], etag=group.get("etag"), updated_at=updated_at
        )
    return {
        "resource_name": group["resourceName"],
        "etag": group.get("etag"),
        "name": group.get("name"),
        "formatted_name": group.get("formattedName"),
        "group_type": group.get("groupType"),
        "updated_at": updated_at,
        "is_deleted": False,
    }


def deleted_group_row(
    resource_name: str, *, etag: str | None = None, updated_at: datetime | None = None
) -> dict:
    return {
        "resource_name": resource_name,
        "etag": etag,
        "updated_at": updated_at,
        "is_deleted": True,
    }
