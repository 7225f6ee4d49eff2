"""HubSpot CRM v3/v4 stand-in (to be completed)."""

from __future__ import annotations

from datetime import date

from ..api import Api
from ..clock import Clock

ACCESS_TOKEN = "pat-na1-sandbox-0000-0000-000000000000"


class HubSpotApi(Api):
    name = "hubspot"
    prefix = "/hubspot"

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        super().__init__(clock)

    def register_routes(self) -> None:
        pass

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {
            "SOURCES__HUBSPOT__BASE_URL": base_url + self.prefix,
            "SOURCES__HUBSPOT__ACCESS_TOKEN": ACCESS_TOKEN,
        }
