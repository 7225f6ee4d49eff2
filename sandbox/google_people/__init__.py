"""Google People API v1 and Google's OAuth token endpoint, offline.

The sample address book is `store.ContactsStore`; tests and the demo change it between
runs through its helpers (sandbox.apis["google_people"].store):

    store.edit_person(name, job_title="CTO")     store.add_person("Ada", "Byron", emails=[...])
    store.delete_person(name)                    store.expire_sync_tokens()
    store.add_group("Runners"), rename_group, delete_group

`sandbox.clock.advance(days=8)` expires sync tokens the way time does, and
`sandbox.apis["google_oauth"].revoke_refresh_token()` makes the next refresh fail.
See routes.py for the People API's routes and oauth.py for the token endpoint.
"""

from .oauth import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, GoogleOAuthApi
from .routes import GooglePeopleApi
from .store import ContactsStore

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "REFRESH_TOKEN",
    "ContactsStore",
    "GoogleOAuthApi",
    "GooglePeopleApi",
]
