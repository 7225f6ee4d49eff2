"""Google's OAuth 2.0 token endpoint, refresh-token grant only (what google-auth sends)."""

from __future__ import annotations

from ..api import Api
from ..clock import Clock
from ..wire import Request, Response
from . import errors
from .tokens import ACCESS_TOKEN_LIFETIME_SECONDS, issue_access_token

CLIENT_ID = "sandbox-client.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-client-secret"
REFRESH_TOKEN = "1//sandbox-refresh-token"
# The user consented to reading contacts and to BigQuery (the warehouse loads with the same client).
GRANTED_SCOPES = (
    "https://www.googleapis.com/auth/contacts.readonly",
    "https://www.googleapis.com/auth/bigquery",
)


def oauth_error(status: int, error: str, description: str) -> Response:
    return Response(status, {"error": error, "error_description": description})


class GoogleOAuthApi(errors.FrontEndErrors, Api):
    """POST /oauth2/token. One OAuth client and one refresh token, which a test may revoke."""

    name = "google_oauth"
    prefix = "/oauth2"

    def __init__(self, clock: Clock) -> None:
        self.refresh_token_revoked = False
        self.tokens_issued = 0
        super().__init__(clock)

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {
            "SOURCES__GOOGLE_PEOPLE__TOKEN_URI": base_url + self.prefix + "/token",
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_ID": CLIENT_ID,
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_SECRET": CLIENT_SECRET,
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__REFRESH_TOKEN": REFRESH_TOKEN,
        }

    def revoke_refresh_token(self) -> None:
        """As if the user removed the app's access: later refreshes get invalid_grant."""
        self.refresh_token_revoked = True

    # -- error shapes ---------------------------------------------------------------
    def rate_limited(self, retry_after: int) -> Response:
        return oauth_error(429, "rate_limit_exceeded", "Rate Limit Exceeded")

    def server_error(self, status: int) -> Response:
        if status == 502:
            return errors.server_error(502)
        return oauth_error(status, "internal_failure", "Backend Error")

    def bad_request(self, message: str) -> Response:
        return oauth_error(400, "invalid_request", message)

    # -- routes ---------------------------------------------------------------------
    def register_routes(self) -> None:
        self.router.route("POST", "/token")(self.token)

    def token(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "")
        form = request.form() if "x-www-form-urlencoded" in content_type else {}
        grant_type = form.get("grant_type")
        if not grant_type:
            return oauth_error(400, "invalid_request", "Required parameter is missing: grant_type")
        if grant_type != "refresh_token":
            return oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        if form.get("client_id") != CLIENT_ID:
            return oauth_error(401, "invalid_client", "The OAuth client was not found.")
        if form.get("client_secret") != CLIENT_SECRET:
            return oauth_error(401, "invalid_client", "Unauthorized")
        if not form.get("refresh_token"):
            return oauth_error(400, "invalid_request", "Missing required parameter: refresh_token")
        if form["refresh_token"] != REFRESH_TOKEN or self.refresh_token_revoked:
            return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
        requested = form.get("scope", "").split()
        if any(scope not in GRANTED_SCOPES for scope in requested):
            return oauth_error(400, "invalid_scope", "Bad Request")
        scope = " ".join(requested or GRANTED_SCOPES)
        self.tokens_issued += 1
        return Response(
            200,
            {
                "access_token": issue_access_token(self.clock.now(), scope),
                "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
                "scope": scope,
                "token_type": "Bearer",
            },
            {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate"},
        )
