"""Base class for one sandbox API: its prefix, routes, auth and error shapes."""

from __future__ import annotations

from .clock import Clock
from .faults import RateLimit
from .wire import HttpError, Request, Response, Router


class Api:
    """One API served under `prefix`. Subclasses fill `router` and the error shapes."""

    name: str = ""
    prefix: str = ""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.router = Router()
        self.rate_limits_enabled = False
        self.register_routes()

    # -- to be provided by each API -------------------------------------------------
    def register_routes(self) -> None:
        raise NotImplementedError

    def client_settings(self, base_url: str) -> dict[str, str]:
        """Environment variables (dlt names) that point a pipeline at this API."""
        return {}

    def demo_changes(self) -> list[str]:
        """Edits a person would make during a day, applied to the data; a line per change."""
        return []

    def authenticate(self, request: Request) -> Response | None:
        """None when the request is authorised, else the API's 401 response."""
        return None

    def rate_limit_for(self, request: Request) -> list[RateLimit]:
        """The documented limits this request counts against (when enabled)."""
        return []

    def rate_limited(self, retry_after: int) -> Response:
        return Response(429, {"message": "rate limited"}, {"Retry-After": str(retry_after)})

    def server_error(self, status: int) -> Response:
        return Response(status, {"message": "server error"})

    def not_found(self, request: Request) -> Response:
        return Response(404, {"message": f"no route for {request.method} {request.path}"})

    def method_not_allowed(self, request: Request) -> Response:
        return Response(405, {"message": f"{request.method} not allowed on {request.path}"})

    def bad_request(self, message: str) -> Response:
        return Response(400, {"message": message})

    # -- dispatch -------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        handler, params, path_known = self.router.match(request.method, request.path)
        if handler is None:
            return self.method_not_allowed(request) if path_known else self.not_found(request)
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        request.params = params
        try:
            return handler(request)
        except HttpError as error:
            return error.response
        except (ValueError, KeyError, TypeError) as error:
            return self.bad_request(f"{type(error).__name__}: {error}")
