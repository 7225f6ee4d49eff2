"""dlt sources for Notion, HubSpot and Google Contacts, and their runnable entry points.

`python pipelines/hubspot_crm.py` puts this folder first on sys.path, where the
source package `hubspot` would shadow the vendor SDK of the same name. Every entry
script imports this package first, so dropping the folder here keeps SDK imports
pointing at the SDKs.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
