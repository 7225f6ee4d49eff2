"""Load HubSpot CRM contacts, companies, engagements and associations into raw_hubspot.

The first run lists everything; later runs read only what changed since the last one
(including archived and merged records and removed associations).

Settings: sources.hubspot.access_token (secret), sources.hubspot.base_url, and optionally
sources.hubspot.objects (add "deals" or "tickets"), engagement_types, associations.
"""

from pipelines.registry import HUBSPOT_CRM as SPEC
from pipelines.runner import main

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
