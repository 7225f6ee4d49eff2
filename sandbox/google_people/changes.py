"""The demo's day in Google Contacts: two edits, a deletion, a new contact, a renamed group."""

from __future__ import annotations

from .store import ContactsStore


def demo_changes(store: ContactsStore) -> list[str]:
    """What a person does in Google Contacts during a day; returns a line per change."""
    with store.lock:
        oldest, promoted, moved = store.resource_names()[:3]
        names = {n: store.person(n)["names"][0]["displayName"] for n in (oldest, promoted, moved)}
        store.edit_person(promoted, job_title="Head of Data")
        store.edit_person(moved, phones=["+44 20 7946 0958"], organization="Lumen Energy")
        store.delete_person(oldest)
        store.add_person(
            "Mary",
            "Somerville",
            emails=["mary.somerville@mail.example"],
            phones=["(555) 201-7740"],
            birthday=(None, 12, 26),
        )
        climbing = next(g for g in store.groups.values() if g.name == "Climbing")
        store.rename_group(climbing.resource_name, "Bouldering")
    return [
        f"Google Contacts: {names[promoted]} is now Head of Data",
        f"Google Contacts: {names[moved]} moved to Lumen Energy with a UK phone number",
        f"Google Contacts: deleted {names[oldest]}",
        "Google Contacts: added Mary Somerville (birthday 26 December, year unknown)",
        "Google Contacts: renamed the group Climbing to Bouldering",
    ]
