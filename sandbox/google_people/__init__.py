"""Google People API v1 and OAuth token endpoint stand-ins (to be completed)."""

from __future__ import annotations

from datetime import date

from ..api import Api
from ..clock import Clock

CLIENT_ID = "sandbox-client.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-client-secret"
REFRESH_TOKEN = "1//sandbox-refresh-token"


class GooglePeopleApi(Api):
    name = "google_people"
    prefix = "/google"

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        super().__init__(clock)

    def register_routes(self) -> None:
        pass

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {"SOURCES__GOOGLE_PEOPLE__BASE_URL": base_url + self.prefix + "/"}


class GoogleOAuthApi(Api):
    name = "google_oauth"
    prefix = "/oauth2"

    def register_routes(self) -> None:
        pass

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {
            "SOURCES__GOOGLE_PEOPLE__TOKEN_URI": base_url + self.prefix + "/token",
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_ID": CLIENT_ID,
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_SECRET": CLIENT_SECRET,
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__REFRESH_TOKEN": REFRESH_TOKEN,
        }
