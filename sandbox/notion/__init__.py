"""Notion API 2025-09-03 stand-in (to be completed)."""

from __future__ import annotations

from datetime import date

from ..api import Api
from ..clock import Clock

API_KEY = "secret_sandbox_notion_token"


class NotionApi(Api):
    name = "notion"
    prefix = "/notion"

    def __init__(self, clock: Clock, *, seed: int, anchor: date) -> None:
        super().__init__(clock)

    def register_routes(self) -> None:
        pass

    def client_settings(self, base_url: str) -> dict[str, str]:
        return {
            "SOURCES__NOTION__BASE_URL": base_url + self.prefix,
            "SOURCES__NOTION__API_KEY": API_KEY,
        }
