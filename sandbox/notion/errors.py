"""Notion's error body (`{"object": "error", ...}`) and the answers the sandbox sends in it."""

from __future__ import annotations

import uuid
from typing import Any

from ..wire import Response

INTEGRATION_NAME = "Habits sync"
SERVER_ERRORS = {
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad Gateway"),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: ("gateway_timeout", "Gateway Timeout"),
}


def notion_error(status: int, code: str, message: str, **extra: Any) -> Response:
    body = {"object": "error", "status": status, "code": code, "message": message, **extra}
    body["request_id"] = str(uuid.uuid4())
    return Response(status, body)


def validation_error(message: str) -> Response:
    return notion_error(400, "validation_error", message)


def invalid_request_url() -> Response:
    """Notion answers an unknown path or method with a 400, not a 404 or 405."""
    return notion_error(400, "invalid_request_url", "Invalid request URL.")


def invalid_json() -> Response:
    return notion_error(400, "invalid_json", "Error parsing JSON body.")


def object_not_found(kind: str, object_id: str, integration_id: str) -> Response:
    """What Notion says about an object that is missing or not shared with the integration."""
    return notion_error(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
        f'databases are shared with your integration "{INTEGRATION_NAME}".',
        additional_data={"integration_id": integration_id},
    )


def rate_limited(retry_after: int) -> Response:
    response = notion_error(
        429, "rate_limited", "You have been rate limited. Please try again in a few minutes."
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def server_error(status: int) -> Response:
    code, message = SERVER_ERRORS.get(status, SERVER_ERRORS[500])
    return notion_error(status, code, message)
