"""The private-app token the HubSpot stand-in accepts, and its answer to any other."""

from __future__ import annotations

from ..wire import Request, Response
from .errors import error

ACCESS_TOKEN = "pat-na1-sandbox-0000-0000-000000000000"

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
    "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


def refusal(request: Request) -> Response | None:
    """None when the request carries the token, else HubSpot's 401 INVALID_AUTHENTICATION."""
    if request.bearer_token() == ACCESS_TOKEN:
        return None
    return error(401, AUTH_MESSAGE, "INVALID_AUTHENTICATION")
