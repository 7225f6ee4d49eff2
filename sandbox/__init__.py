"""Offline stand-ins for the Notion, HubSpot CRM and Google People APIs.

`python -m sandbox` serves all of them on loopback under path prefixes; tests start
them in-process with `Sandbox().start()` and mutate their data through Python.
"""

from .server import Sandbox

__all__ = ["Sandbox"]
