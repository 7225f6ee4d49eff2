"""HubSpot's error answers: the JSON error body, the HTML pages of its edge, batch errors."""

from __future__ import annotations

import uuid
from typing import Any

from ..wire import Response
from .catalog import SINGULAR


def error(status: int, message: str, category: str) -> Response:
    return Response(
        status,
        {
            "status": "error",
            "message": message,
            "correlationId": str(uuid.uuid4()),
            "category": category,
        },
    )


def validation_error(message: str) -> Response:
    return error(400, message, "VALIDATION_ERROR")


def resource_not_found() -> Response:
    """An unknown path or object id: the error body without a category."""
    return Response(
        404,
        {
            "status": "error",
            "message": "resource not found",
            "correlationId": str(uuid.uuid4()),
        },
    )


def server_error(status: int) -> Response:
    """JSON for a 500; 502 and 503 come from HubSpot's edge as HTML pages."""
    if status == 500:
        return error(500, "internal error", "INTERNAL_ERROR")
    reason = {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Error")
    page = (
        f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"
    )
    return Response(status, page, {"Content-Type": "text/html"})


def uri_too_long() -> Response:
    page = "<html><head><title>414 Request-URI Too Large</title></head><body></body></html>"
    return Response(414, page, {"Content-Type": "text/html"})


def objects_not_found(object_type: str, ids: list[str]) -> dict[str, Any]:
    """The error entry of a 207 batch read that names the ids it could not find."""
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": f"Could not get some {SINGULAR[object_type].upper()} objects, they may "
        "be deleted or not exist. Check that ids are valid.",
        "context": {"ids": ids},
        "links": {},
        "errors": [],
    }


def no_associations(object_type: str, to_type: str, object_id: str) -> dict[str, Any]:
    """The error entry of a 207 association batch read for an object without links."""
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
        "message": f"No {SINGULAR[to_type]} is associated with {SINGULAR[object_type]} {object_id}.",
        "context": {
            "fromObjectId": [object_id],
            "fromObjectType": [SINGULAR[object_type]],
            "toObjectType": [SINGULAR[to_type]],
        },
        "links": {},
        "errors": [],
    }
