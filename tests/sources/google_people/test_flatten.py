"""Person -> raw_google.contacts row: primary items, birthdays, update times, deletions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipelines.google_people.flatten import birthday_parts, contact_group_row, contact_row

SOURCE = {"type": "CONTACT", "id": "1f"}


def item(primary: bool = False, **fields) -> dict:
    metadata = {"primary": True, "source": SOURCE} if primary else {"source": SOURCE}
    return {"metadata": metadata, **fields}


PERSON = {
    "resourceName": "people/c42",
    "etag": "%Eg",
    "metadata": {
        "sources": [
            {"type": "CONTACT", "id": "1f", "updateTime": "2026-03-01T10:00:00.123Z"},
            {"type": "PROFILE", "id": "9", "updateTime": "2026-04-02T08:30:00.123456789Z"},
        ],
        "objectType": "PERSON",
    },
    "names": [item(True, displayName="Ada Lovelace", givenName="Ada", familyName="Lovelace")],
    "emailAddresses": [
        item(value="ada@home.example", type="home"),
        item(True, value="ada@engines.example", type="work"),
    ],
    "phoneNumbers": [
        item(True, value="(555) 010-0100", canonicalForm="+15550100100", type="mobile")
    ],
    "organizations": [
        item(name="Old Co", title="Intern"),
        item(True, name="Analytical Engines", title="Programmer"),
    ],
    "birthdays": [item(True, date={"year": 1815, "month": 12, "day": 10})],
    "memberships": [
        {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/starred"}},
        {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}},
    ],
}


def test_primary_items_win_wherever_they_are_listed() -> None:
    row = contact_row(PERSON)
    assert row["primary_email"] == "ada@engines.example"
    assert (row["organization"], row["job_title"]) == ("Analytical Engines", "Programmer")
    assert (row["display_name"], row["given_name"], row["family_name"]) == (
        "Ada Lovelace",
        "Ada",
        "Lovelace",
    )
    assert row["emails"] == [
        {"value": "ada@home.example", "type": "home", "primary": False},
        {"value": "ada@engines.example", "type": "work", "primary": True},
    ]
    assert row["phone_numbers"] == [
        {
            "value": "(555) 010-0100",
            "canonical_form": "+15550100100",
            "type": "mobile",
            "primary": True,
        }
    ]
    assert row["memberships"] == ["contactGroups/myContacts", "contactGroups/starred"]
    assert row["is_deleted"] is False and row["person"] is PERSON


def test_updated_at_is_the_newest_source_update() -> None:
    assert contact_row(PERSON)["updated_at"] == datetime(2026, 4, 2, 8, 30, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"year": 1815, "month": 12, "day": 10}, (date(1815, 12, 10), 12, 10)),
        ({"month": 12, "day": 10}, (None, 12, 10)),  # year absent
        ({"year": 0, "month": 2, "day": 29}, (None, 2, 29)),  # year 0: not known
        ({"year": 1999, "month": 2, "day": 29}, (None, 2, 29)),  # no such day that year
        ({"year": 1990, "month": 7, "day": 0}, (None, 7, None)),  # day not significant
        ({"year": 1990}, (None, None, None)),
    ],
)
def test_birthday_never_gets_a_made_up_year(when, expected) -> None:
    assert birthday_parts([item(True, date=when)]) == expected


def test_text_only_birthday_leaves_the_columns_empty() -> None:
    assert birthday_parts([item(True, text="early June")]) == (None, None, None)


def test_a_dated_birthday_is_preferred_over_a_primary_text_one() -> None:
    birthdays = [item(True, text="June"), item(date={"month": 6, "day": 3})]
    assert birthday_parts(birthdays) == (None, 6, 3)


def test_deleted_person_keeps_only_what_the_sync_says() -> None:
    gone = {
        "resourceName": "people/c7",
        "etag": "%x",
        "metadata": {
            "sources": [{"type": "CONTACT", "id": "7", "updateTime": "2026-11-01T00:00:00Z"}],
            "deleted": True,
        },
    }
    row = contact_row(gone)
    assert row["is_deleted"] is True and row["resource_name"] == "people/c7"
    assert row["updated_at"] == datetime(2026, 11, 1, tzinfo=UTC)
    assert "display_name" not in row


def test_person_without_optional_fields() -> None:
    row = contact_row({"resourceName": "people/c1", "etag": "%e"})
    assert row["primary_email"] is None and row["emails"] == [] and row["birthday"] is None
    assert row["updated_at"] is None and row["is_deleted"] is False


def test_contact_group_rows() -> None:
    live = contact_group_row(
        {
            "resourceName": "contactGroups/abc",
            "etag": "e",
            "metadata": {"updateTime": "2026-01-01T00:00:00.5Z"},
            "groupType": "USER_CONTACT_GROUP",
            "name": "Climbing",
            "formattedName": "Climbing",
        }
    )
    assert live["name"] == "Climbing" and live["is_deleted"] is False
    gone = contact_group_row(
        {"resourceName": "contactGroups/abc", "etag": "f", "metadata": {"deleted": True}}
    )
    assert gone["is_deleted"] is True and "name" not in gone
