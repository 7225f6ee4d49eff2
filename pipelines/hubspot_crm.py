"""Load HubSpot CRM contacts, companies, engagements and associations into raw_hubspot.

The first run lists everything; later runs read only what changed since the last one
(including archived and merged records and removed associations).

Settings: sources.hubspot.access_token (secret), sources.hubspot.base_url, and optionally
sources.hubspot.objects (add "deals" or "tickets"), engagement_types, associations.
"""

from pipelines.hubspot import hubspot
from pipelines.runtime import PipelineSpec, main

SPEC = PipelineSpec(
    name="hubspot_crm",
    dataset="raw_hubspot",
    build_source=hubspot,
    secret_keys=("sources.hubspot.access_token",),
    description=__doc__,
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
