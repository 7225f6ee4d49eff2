"""Notion API 2025-09-03 stand-in: habit-tracker databases with data sources and pages.

`NotionApi.store` (a `NotionStore`) holds the workspace; tests and the demo change it
through its methods. See routes.py for the routes and store.py for the mutation helpers.
"""

from .auth import API_KEY, NOTION_VERSION
from .routes import NotionApi
from .store import NotionStore

__all__ = ["API_KEY", "NOTION_VERSION", "NotionApi", "NotionStore"]
