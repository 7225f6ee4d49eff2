"""Who may call the Notion stand-in: the integration token and the Notion-Version header."""

from __future__ import annotations

from ..wire import Request, Response
from .errors import notion_error

API_KEY = "secret_sandbox_notion_token"
NOTION_VERSION = "2025-09-03"
KNOWN_VERSIONS = (
    "2021-05-11",
    "2021-05-13",
    "2021-08-16",
    "2022-02-22",
    "2022-06-28",
    "2025-09-03",
    "2026-03-11",
)


def refusal(request: Request) -> Response | None:
    """None when token and version are accepted, else Notion's 401 or 400 answer.

    The sandbox serves one version: others Notion knows get a 400 invalid_request.
    """
    if request.bearer_token() != API_KEY:
        return notion_error(401, "unauthorized", "API token is invalid.")
    version = request.headers.get("notion-version")
    if not version:
        return notion_error(
            400,
            "missing_version",
            "Notion-Version header failed validation: Notion-Version header should be "
            "defined, instead was `undefined`.",
        )
    if version not in KNOWN_VERSIONS:
        accepted = ", ".join(f'"{v}"' for v in KNOWN_VERSIONS[:-1])
        return notion_error(
            400,
            "validation_error",
            "Notion-Version header failed validation: Notion-Version header should be "
            f'{accepted}, or "{KNOWN_VERSIONS[-1]}", instead was `"{version}"`.',
        )
    if version != NOTION_VERSION:
        return notion_error(
            400,
            "invalid_request",
            f"Unsupported request: this sandbox serves Notion-Version {NOTION_VERSION} only.",
        )
    return None
