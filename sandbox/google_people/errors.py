"""Google's error responses: the JSON `{"error": {...}}` shape and the front end's HTML pages."""

from __future__ import annotations

from ..wire import HttpError, Request, Response

DOCS_CONNECTIONS = "https://developers.google.com/people/api/rest/v1/people/connections/list"
UNAUTHENTICATED_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
EXPIRED_SYNC_TOKEN_MESSAGE = (
    "Sync token is expired. Clear local cache and retry call without the sync token."
)
_SERVER_ERRORS = {
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "The request timed out. Please try again."),
}


def error(code: int, status: str, message: str, details: list[dict] | None = None) -> Response:
    body: dict = {"code": code, "message": message, "status": status}
    if details:
        body["details"] = details
    return Response(code, {"error": body})


def error_info(reason: str, domain: str, metadata: dict[str, str] | None = None) -> dict:
    info: dict = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}
    info["domain"] = domain
    if metadata:
        info["metadata"] = metadata
    return info


def invalid_argument(message: str) -> HttpError:
    return HttpError(error(400, "INVALID_ARGUMENT", message))


def unauthenticated() -> Response:
    response = error(401, "UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE)
    response.headers["WWW-Authenticate"] = (
        'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    )
    return response


def expired_sync_token() -> HttpError:
    details = [error_info("EXPIRED_SYNC_TOKEN", "people.googleapis.com")]
    return HttpError(error(400, "FAILED_PRECONDITION", EXPIRED_SYNC_TOKEN_MESSAGE, details))


def quota_exceeded(metric: str, per_minute: int) -> Response:
    limit = f"{metric} per minute per user"
    message = (
        f"Quota exceeded for quota metric '{metric}' and limit '{limit}' of service "
        "'people.googleapis.com' for consumer 'project_number:418772190153'."
    )
    details = [
        error_info(
            "RATE_LIMIT_EXCEEDED",
            "googleapis.com",
            {
                "consumer": "projects/418772190153",
                "quota_limit": limit.replace(" ", ""),
                "quota_limit_value": str(per_minute),
                "quota_location": "global",
                "quota_metric": f"people.googleapis.com/{metric.replace(' ', '_').lower()}",
                "service": "people.googleapis.com",
            },
        )
    ]
    return error(429, "RESOURCE_EXHAUSTED", message, details)


def server_error(code: int) -> Response:
    """JSON for 500/503/504; a 502 comes from Google's front end as an HTML page."""
    if code in _SERVER_ERRORS:
        status, message = _SERVER_ERRORS[code]
        return error(code, status, message)
    text = (
        "The server encountered a temporary error and could not complete your request."
        "<p>Please try again in 30 seconds."
    )
    return html_page(code, "Server Error", text)


def html_page(code: int, title: str, text: str) -> Response:
    page = (
        "<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n"
        f"<title>Error {code} ({title})!!1</title>\n"
        f"<p><b>{code}.</b> <ins>That\u2019s an error.</ins>\n<p>{text} "
        "<ins>That\u2019s all we know.</ins>\n"
    )
    return Response(code, page, {"Content-Type": "text/html; charset=UTF-8"})


class FrontEndErrors:
    """404 and 405 as Google's front end sends them: HTML pages, not JSON (both endpoints)."""

    def not_found(self, request: Request) -> Response:
        return html_page(
            404,
            "Not Found",
            f"The requested URL <code>{request.path}</code> was not found on this server.",
        )

    def method_not_allowed(self, request: Request) -> Response:
        return html_page(
            405,
            "Method Not Allowed",
            f"The request method <code>{request.method}</code> is inappropriate for the URL "
            f"<code>{request.path}</code>.",
        )
