"""Every Notion property type lands in a typed column, lists complete past 25 references."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sandbox import Sandbox
from sandbox.notion import NotionStore
from sandbox.notion.sample import DAILY
from tests.sources.notion.conftest import configure_tables
from tests.utils import PipelineEnv

TZ = "TIMESTAMP WITH TIME ZONE"
EXPECTED_TYPES = {
    "name": "VARCHAR",
    "text": "VARCHAR",
    "amount": "DOUBLE",
    "done": "BOOLEAN",
    "stage": "VARCHAR",
    "progress": "VARCHAR",
    "labels": "JSON",
    "starts": "DATE",
    "starts_at": TZ,
    "span": "DATE",
    "span_end": "DATE",
    "owners": "JSON",
    "days": "JSON",
    "site": "VARCHAR",
    "mail": "VARCHAR",
    "phone": "VARCHAR",
    "created": TZ,
    "edited": TZ,
    "creator": "VARCHAR",
    "editor": "VARCHAR",
    "key": "VARCHAR",
    "attachments": "JSON",
    "checked": "VARCHAR",
    "property_id": "VARCHAR",
    "label": "VARCHAR",
    "double": "DOUBLE",
    "is_big": "BOOLEAN",
    "due": "DATE",
    "day_count": "DOUBLE",
    "steps_total": "DOUBLE",
    "last_day": "DATE",
    "day_names": "JSON",
}


def value_of(store: NotionStore, page, name: str):
    return page.values.get(store.data_source("Everything").find(name).id)


def build_everything(store: NotionStore):
    """A database with one property of each type, a full page and an empty one."""
    daily = store.data_source(DAILY)
    friends = [store.add_user(f"Friend {n}", f"friend{n}@example.com") for n in range(27)]
    store.add_database(
        "Everything",
        {
            "Name": "title",
            "Text": "rich_text",
            "Amount": "number",
            "Done": "checkbox",
            "Stage": ("select", {"options": ["Won", "Lost"]}),
            "Progress": ("status", {"options": ["Not started", "In progress", "Done"]}),
            "Labels": ("multi_select", {"options": ["a", "b"]}),
            "Starts": "date",
            "Span": "date",
            "Owners": "people",
            "Days": ("relation", {"target": daily.id}),
            "Site": "url",
            "Mail": "email",
            "Phone": "phone_number",
            "Created": "created_time",
            "Edited": "last_edited_time",
            "Creator": "created_by",
            "Editor": "last_edited_by",
            "Key": "unique_id",
            "Attachments": "files",
            "Approve": "button",
            "Checked": "verification",
            "ID": "rich_text",
        },
    )
    ds = store.data_source("Everything")
    amount = ds.find("Amount").id
    name = ds.find("Name").id
    store.add_property(
        ds,
        "Label",
        "formula",
        {"expression": 'prop("Name")'},
        evaluate=lambda s, p: ("string", p.values[name] or None),
    )
    store.add_property(
        ds,
        "Double",
        "formula",
        {"expression": 'prop("Amount") * 2'},
        evaluate=lambda s, p: (
            "number",
            None if p.values[amount] is None else p.values[amount] * 2,
        ),
    )
    store.add_property(
        ds,
        "Is big",
        "formula",
        {"expression": 'prop("Amount") > 10'},
        evaluate=lambda s, p: ("boolean", (p.values[amount] or 0) > 10),
    )
    store.add_property(
        ds,
        "Due",
        "formula",
        {"expression": 'dateAdd(now(), 1, "months")'},
        evaluate=lambda s, p: (
            "date",
            {"start": "2026-12-01", "end": None, "time_zone": None} if p.values[amount] else None,
        ),
    )
    for prop_name, rolled, function in (
        ("Day count", "Day", "count"),
        ("Steps total", "Steps", "sum"),
        ("Last day", "Date", "latest_date"),
        ("Day names", "Day", "show_original"),
    ):
        store.add_property(
            ds,
            prop_name,
            "rollup",
            {
                "relation_property_name": "Days",
                "rollup_property_name": rolled,
                "function": function,
            },
        )
    days = store.pages_of(DAILY)[:30]
    full = store.add_page(
        ds,
        {
            "Name": "Alpha",
            "Text": "x" * 4500,
            "Amount": 12.5,
            "Done": True,
            "Stage": "Won",
            "Progress": "In progress",
            "Labels": ["a", "b"],
            "Starts": "2026-11-01T09:30:00.000+02:00",
            "Span": (date(2026, 10, 1), date(2026, 10, 31)),
            "Owners": [f.id for f in friends],
            "Days": [d.id for d in days],
            "Site": "https://example.com",
            "Mail": "alex@example.com",
            "Phone": "+44 20 7946 0000",
            "Attachments": [
                {"name": "plan.pdf", "url": "https://example.com/plan.pdf"},
                {"name": "scan.png", "hosted": True},
            ],
            "Checked": "verified",
            "ID": "abc",
        },
    )
    empty = store.add_page(ds, {})
    return ds, full, empty, days, friends


def test_every_property_type_is_flattened_and_typed(
    load, notion_env: PipelineEnv, sandbox: Sandbox, store: NotionStore, monkeypatch
) -> None:
    ds, full, empty, days, friends = build_everything(store)
    configure_tables(monkeypatch, everything=store.database("Everything").id)
    assert load() == 0, load.output.err
    columns = notion_env.columns("raw_notion", "everything")
    assert {k: columns.get(k) for k in EXPECTED_TYPES} == EXPECTED_TYPES
    assert "approve" not in columns  # a button has no value

    names = ", ".join(f'"{c}"' for c in EXPECTED_TYPES)
    rows = {
        r[0]: dict(zip(EXPECTED_TYPES, r[1:], strict=True))
        for r in notion_env.query(f"select id, {names} from raw_notion.everything")
    }
    row = rows[full.id]
    daily = store.data_source(DAILY)
    steps = [d.values[daily.find("Steps").id] for d in days]
    assert row["name"] == "Alpha" and row["text"] == "x" * 4500
    assert (row["amount"], row["done"], row["stage"], row["progress"]) == (
        12.5,
        True,
        "Won",
        "In progress",
    )
    assert json.loads(row["labels"]) == ["a", "b"]
    assert row["starts"] == date(2026, 11, 1)
    assert row["starts_at"] == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert (row["span"], row["span_end"]) == (date(2026, 10, 1), date(2026, 10, 31))
    assert json.loads(row["owners"]) == [f.id for f in friends]  # 27: past the cut at 25
    assert json.loads(row["days"]) == [d.id for d in days]  # 30: past the cut at 25
    assert (row["site"], row["mail"], row["phone"]) == (
        "https://example.com",
        "alex@example.com",
        "+44 20 7946 0000",
    )
    assert row["created"] == full.created_time and row["edited"] == full.last_edited_time
    assert row["creator"] == row["editor"] == store.owner.id
    assert row["key"] == "1" and row["checked"] == "verified" and row["property_id"] == "abc"
    assert json.loads(row["attachments"]) == [
        {"name": "plan.pdf", "url": "https://example.com/plan.pdf"},
        {"name": "scan.png", "url": None},  # Notion-hosted links expire: not kept
    ]
    assert (row["label"], row["double"], row["is_big"], row["due"]) == (
        "Alpha",
        25.0,
        True,
        date(2026, 12, 1),
    )
    # rollups over all 30 related pages, not Notion's 25 in the page object
    assert row["day_count"] == 30
    assert row["steps_total"] == sum(s for s in steps if s is not None)
    assert row["last_day"] == max(
        date.fromisoformat(d.values[daily.find("Date").id]["start"]) for d in days
    )
    assert json.loads(row["day_names"]) == [d.values["title"] for d in days]

    blank = rows[empty.id]
    assert blank["name"] is None and blank["amount"] is None and blank["done"] is False
    assert blank["starts"] is None and json.loads(blank["owners"]) == []
    assert (blank["double"], blank["is_big"], blank["due"], blank["day_count"]) == (
        None,
        False,
        None,
        0,
    )
    assert blank["key"] == "2" and blank["checked"] == "unverified"

    reads = [e.path for e in sandbox.log.entries("notion") if "/properties/" in e.path]
    truncated = {
        ds.find(n).id
        for n in ("Owners", "Days", "Day count", "Steps total", "Last day", "Day names")
    }
    assert sorted(reads) == sorted(f"/v1/pages/{full.id}/properties/{pid}" for pid in truncated)
