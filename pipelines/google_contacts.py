"""Load Google Contacts (People API) into the raw_google dataset.

The first run copies every contact and contact group; later runs ask only for what
changed since the stored sync token, deletions included. An expired token falls back
to a full sync that flags vanished contacts as deleted.
"""

from pipelines.registry import GOOGLE_CONTACTS as SPEC
from pipelines.runner import main

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
