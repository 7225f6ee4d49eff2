"""HubSpot's JSON shapes for CRM records (v3) and their associations (v4)."""

from __future__ import annotations

from typing import Any

from .catalog import ASSOCIATIONS, SINGULAR
from .store import CrmRecord, CrmStore, iso


def record_json(
    store: CrmStore, record: CrmRecord, names: list[str], with_links: list[str]
) -> dict[str, Any]:
    """A v3 object: the asked-for properties it has, and its links to `with_links` types."""
    specs = store.properties[record.object_type]
    properties = {n: record.properties.get(n) for n in dict.fromkeys(names) if n in specs}
    body: dict[str, Any] = {
        "id": record.id,
        "properties": properties,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
        "archived": record.archived_at is not None,
    }
    if record.archived_at is not None:
        body["archivedAt"] = iso(record.archived_at)
    associations = {}
    for to_type in with_links:
        results = []
        for to_id, type_ids in store.visible_links(record.object_type, record.id, to_type):
            for type_id in type_ids:
                kind = f"{SINGULAR[record.object_type]}_to_{SINGULAR[to_type]}"
                if ASSOCIATIONS.describe(record.object_type, to_type, type_id).label is None:
                    kind += (
                        "_unlabeled"
                        if (record.object_type, to_type) in ASSOCIATIONS.primary
                        else ""
                    )
                results.append({"id": to_id, "type": kind})
        if results:
            associations[to_type] = {"results": results}
    if associations:
        body["associations"] = associations
    return body


def association_json(object_type: str, to_type: str, link: tuple[str, list[int]]) -> dict[str, Any]:
    """A v4 association: the target id and the types of every link to it."""
    to_id, type_ids = link
    return {
        "toObjectId": int(to_id),
        "associationTypes": [
            ASSOCIATIONS.describe(object_type, to_type, t).wire() for t in type_ids
        ],
    }
