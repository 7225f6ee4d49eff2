"""Notion's JSON shapes for the store's objects (API version 2025-09-03).

Page objects cut relation, people and rich-text lists at 25 references, and compute
rollups over at most 25 related pages, as the real API does; the page-property endpoint
(`property_items`) pages through the complete values.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from .model import Database, DataSource, Page, Property, User
from .rollups import rollup
from .store import NotionStore

REFERENCE_LIMIT = 25  # references per property in a page object
RICH_TEXT_CHUNK = 2000  # characters per rich-text item


def page_timestamp(moment: datetime) -> str:
    """Pages: whole minutes, 'Z' suffix (2026-07-04T09:09:00.000Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00.000Z")


def schema_timestamp(moment: datetime) -> str:
    """Databases carry milliseconds and an explicit offset."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def rich_text(text: str) -> list[dict[str, Any]]:
    chunks = [text[i : i + RICH_TEXT_CHUNK] for i in range(0, len(text), RICH_TEXT_CHUNK)]
    return [rich_text_item(chunk) for chunk in chunks]


def rich_text_item(text: str) -> dict[str, Any]:
    return {
        "type": "text",
        "text": {"content": text, "link": None},
        "annotations": {
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "code": False,
            "color": "default",
        },
        "plain_text": text,
        "href": None,
    }


def partial_user(user_id: str) -> dict[str, Any]:
    return {"object": "user", "id": user_id}


def user_json(user: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "object": "user",
        "id": user.id,
        "name": user.name,
        "avatar_url": None,
        "type": user.kind,
    }
    if user.kind == "bot":
        body["bot"] = {
            "owner": {"type": "workspace", "workspace": True},
            "workspace_name": "Personal",
            "workspace_id": "5f0b2d8e-9a41-4c1e-8f3d-2b7c6a9e1d40",
            "workspace_limits": {"max_file_upload_size_in_bytes": 5242880},
        }
    else:
        body["person"] = {"email": user.email} if user.email else {}
    return body


def person(store: NotionStore, user_id: str) -> dict[str, Any]:
    user = store.users.get(user_id)
    return user_json(user) if user else partial_user(user_id)


def page_url(store: NotionStore, page: Page) -> str:
    source = store.data_sources[page.data_source_id]
    title = page.values.get(source.title_property().id) or ""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")
    hex_id = page.id.replace("-", "")
    return f"https://www.notion.so/{slug}-{hex_id}" if slug else f"https://www.notion.so/{hex_id}"


def page_json(store: NotionStore, page: Page, only: set[str] | None = None) -> dict[str, Any]:
    """A page object; `only` limits `properties` to these property ids (filter_properties)."""
    source = store.data_sources[page.data_source_id]
    properties = {
        prop.name: property_value(store, page, prop)
        for prop in source.properties.values()
        if only is None or prop.id in only
    }
    return {
        "object": "page",
        "id": page.id,
        "created_time": page_timestamp(page.created_time),
        "last_edited_time": page_timestamp(page.last_edited_time),
        "created_by": partial_user(page.created_by),
        "last_edited_by": partial_user(page.last_edited_by),
        "cover": None,
        "icon": None,
        "parent": {
            "type": "data_source_id",
            "data_source_id": source.id,
            "database_id": source.database_id,
        },
        "in_trash": page.in_trash,
        "is_archived": False,
        "is_locked": False,
        "properties": properties,
        "url": page_url(store, page),
        "public_url": None,
        "archived": page.in_trash,
    }


def property_value(store: NotionStore, page: Page, prop: Property) -> dict[str, Any]:
    """One entry of a page object's `properties`, as Notion returns it."""
    kind = prop.type
    raw = page.values.get(prop.id)
    value: Any
    extra: dict[str, Any] = {}
    if kind in ("title", "rich_text"):
        value = rich_text(raw or "")[:REFERENCE_LIMIT]
    elif kind in ("select", "status"):
        value = _option(prop, raw)
    elif kind == "multi_select":
        value = [_option(prop, name) for name in raw or []]
    elif kind == "date":
        value = dict(raw) if raw else None
    elif kind == "people":
        value = [person(store, uid) for uid in (raw or [])[:REFERENCE_LIMIT]]
    elif kind == "relation":
        visible = store.related_ids(page, prop)
        value = [{"id": rid} for rid in visible[:REFERENCE_LIMIT]]
        extra = {"has_more": len(visible) > REFERENCE_LIMIT}
    elif kind == "formula":
        result_type, result = store.formula_value(page, prop)
        value = {"type": result_type, result_type: result}
    elif kind == "rollup":
        value = rollup_value(store, page, prop, REFERENCE_LIMIT)
    elif kind == "created_time":
        value = page_timestamp(page.created_time)
    elif kind == "last_edited_time":
        value = page_timestamp(page.last_edited_time)
    elif kind == "created_by":
        value = person(store, page.created_by)
    elif kind == "last_edited_by":
        value = person(store, page.last_edited_by)
    elif kind == "unique_id":
        value = {"prefix": prop.config.get("prefix"), "number": raw}
    elif kind == "files":
        value = [_file(store, item) for item in raw or []]
    elif kind == "button":
        value = {}
    elif kind == "verification":
        value = _verification(store, page, raw)
    else:  # number, checkbox, url, email, phone_number
        value = raw
    return {"id": prop.id, "type": kind, kind: value, **extra}


def rollup_value(
    store: NotionStore, page: Page, prop: Property, limit: int | None = REFERENCE_LIMIT
) -> dict[str, Any]:
    """The rollup as Notion computes it: over at most 25 related pages in a page object,
    over all of them (`limit=None`) for the page-property endpoint."""
    config = prop.config
    source = store.data_sources[page.data_source_id]
    relation = source.find(config["relation_property_id"])
    related = [store.pages[rid] for rid in store.related_ids(page, relation, limit)]
    values = []
    target = None
    if related:
        target_source = store.data_sources[related[0].data_source_id]
        target = target_source.find(config["rollup_property_id"])
        values = [store.plain_value(p, target) for p in related]
    return rollup(config["function"], values, related, lambda p: _rolled_up(store, p, target))


def _rolled_up(store: NotionStore, page: Page, target: Property | None) -> dict[str, Any]:
    """One element of an array rollup: the related page's value, without its property id."""
    assert target is not None
    value = property_value(store, page, target)
    value.pop("id", None)
    return value


def property_list_items(store: NotionStore, page: Page, prop: Property) -> list[dict[str, Any]]:
    """The complete list behind a paginated property (title, rich_text, people, relation, rollup)."""
    kind = prop.type
    raw = page.values.get(prop.id)
    if kind in ("title", "rich_text"):
        return [_item(prop, kind, rt) for rt in rich_text(raw or "")]
    if kind == "people":
        return [_item(prop, kind, person(store, uid)) for uid in raw or []]
    if kind == "relation":
        return [_item(prop, kind, {"id": rid}) for rid in store.related_ids(page, prop)]
    if kind == "rollup":
        full = rollup_value(store, page, prop, limit=None)
        if full["type"] == "array":
            return [{"object": "property_item", **element} for element in full["array"]]
        source = store.data_sources[page.data_source_id]
        relation = source.find(prop.config["relation_property_id"])
        return [_item(prop, "relation", {"id": rid}) for rid in store.related_ids(page, relation)]
    raise ValueError(f"{kind} is not a paginated property")


def rollup_summary(store: NotionStore, page: Page, prop: Property) -> dict[str, Any]:
    """The rollup computed over every related page (sent with the property-item list)."""
    full = rollup_value(store, page, prop, limit=None)
    if full["type"] == "array":
        return {"type": "array", "array": [], "function": full["function"]}
    return full


def data_source_json(store: NotionStore, source: DataSource) -> dict[str, Any]:
    database = store.databases[source.database_id]
    return {
        "object": "data_source",
        "id": source.id,
        "cover": None,
        "icon": None,
        "created_time": schema_timestamp(source.created_time),
        "created_by": partial_user(store.owner.id),
        "last_edited_by": partial_user(store.owner.id),
        "last_edited_time": schema_timestamp(source.last_edited_time),
        "title": rich_text(source.name),
        "description": [],
        "is_inline": False,
        "properties": {p.name: schema_property(p) for p in source.properties.values()},
        "parent": {"type": "database_id", "database_id": database.id},
        "database_parent": {"type": "page_id", "page_id": database.parent_page_id},
        "url": f"https://www.notion.so/{database.id.replace('-', '')}",
        "public_url": None,
        "in_trash": False,
        "archived": False,
    }


def schema_property(prop: Property) -> dict[str, Any]:
    config = {k: v for k, v in prop.config.items()}
    if prop.type == "status":
        config["groups"] = _status_groups(prop)
    if prop.type == "formula":
        config = {"expression": prop.config.get("expression", "")}
    return {
        "id": prop.id,
        "name": prop.name,
        "description": None,
        "type": prop.type,
        prop.type: config,
    }


def database_json(store: NotionStore, database: Database) -> dict[str, Any]:
    return {
        "object": "database",
        "id": database.id,
        "title": rich_text(database.title),
        "description": [],
        "parent": {"type": "page_id", "page_id": database.parent_page_id},
        "is_inline": False,
        "in_trash": False,
        "is_locked": False,
        "created_time": schema_timestamp(database.created_time),
        "last_edited_time": schema_timestamp(database.last_edited_time),
        "data_sources": [
            {"id": sid, "name": store.data_sources[sid].name} for sid in database.data_source_ids
        ],
        "icon": None,
        "cover": None,
        "url": f"https://www.notion.so/{database.id.replace('-', '')}",
        "public_url": None,
        "archived": False,
    }


def _item(prop: Property, kind: str, value: Any) -> dict[str, Any]:
    return {"object": "property_item", "id": prop.id, "type": kind, kind: value}


def _option(prop: Property, name: str | None) -> dict[str, Any] | None:
    if name is None:
        return None
    for option in prop.config.get("options", []):
        if option["name"] == name:
            return {"id": option["id"], "name": name, "color": option["color"]}
    return {"id": name, "name": name, "color": "default"}


def _status_groups(prop: Property) -> list[dict[str, Any]]:
    options = prop.config.get("options", [])
    ids = [o["id"] for o in options]
    return [
        {"id": "todo", "name": "To-do", "color": "gray", "option_ids": ids[:1]},
        {"id": "doing", "name": "In progress", "color": "blue", "option_ids": ids[1:-1]},
        {"id": "done", "name": "Complete", "color": "green", "option_ids": ids[-1:]},
    ]


def _file(store: NotionStore, item: dict[str, Any]) -> dict[str, Any]:
    """External links stay as given; files hosted by Notion get a fresh signed URL each read."""
    if item.get("hosted"):
        expiry = store.clock.now() + timedelta(hours=1)
        signature = int(expiry.timestamp())
        return {
            "name": item["name"],
            "type": "file",
            "file": {
                "url": f"https://prod-files-secure.s3.us-west-2.amazonaws.com/{item['name']}?X-Amz-Expires=3600&X-Amz-Signature={signature}",
                "expiry_time": expiry.astimezone(UTC).isoformat(timespec="milliseconds"),
            },
        }
    return {"name": item["name"], "type": "external", "external": {"url": item["url"]}}


def _verification(store: NotionStore, page: Page, state: str | None) -> dict[str, Any]:
    if state == "verified":
        return {
            "state": "verified",
            "verified_by": partial_user(page.last_edited_by),
            "date": {
                "start": page_timestamp(page.last_edited_time),
                "end": None,
                "time_zone": None,
            },
        }
    return {"state": state or "unverified", "verified_by": None, "date": None}
