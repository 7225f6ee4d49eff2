"""Load Google Contacts (People API) into the raw_google dataset.

The first run copies every contact and contact group; later runs ask only for what
changed since the stored sync token, deletions included. An expired token falls back
to a full sync that flags vanished contacts as deleted.
"""

from pipelines.google_people import google_people
from pipelines.runtime import PipelineSpec, main

SPEC = PipelineSpec(
    name="google_contacts",
    dataset="raw_google",
    build_source=google_people,
    secret_keys=(
        "sources.google_people.credentials.client_secret",
        "sources.google_people.credentials.refresh_token",
    ),
    description=__doc__,
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
