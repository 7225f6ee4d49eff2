"""Fixtures for the sandbox's own tests, taken from the source test folders.

The three wire test modules share this folder, so the clients and stores that carry one
name in every source folder (`sdk`, `store`) get one name per API here: pytest registers
an imported fixture under the name it is bound to.
"""

from tests.sources.google_people.conftest import google, people_service, service
from tests.sources.google_people.conftest import store as contacts_store
from tests.sources.hubspot.conftest import crm
from tests.sources.hubspot.conftest import sdk as hubspot_sdk
from tests.sources.notion.conftest import notion
from tests.sources.notion.conftest import sdk as notion_sdk
from tests.sources.notion.conftest import store as notion_store

__all__ = [
    "contacts_store",
    "crm",
    "google",
    "hubspot_sdk",
    "notion",
    "notion_sdk",
    "notion_store",
    "people_service",
    "service",
]
