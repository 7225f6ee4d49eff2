"""HubSpot CRM v3/v4 stand-in: objects, search, properties, associations, merges.

Served under `/hubspot`; point hubspot-api-client at it with
`HubSpot(access_token=ACCESS_TOKEN, host=sandbox.url("hubspot"))`.

Behaviour follows the documented API (shared api-notes). Where the documentation is
silent the sandbox makes these choices, each a plausible reading of the real service:

- Reading a merged-away contact's id (GET /objects/contacts/{id}) returns the contact
  it was merged into, under the survivor's id; merged-away contacts never appear in
  list, search, batch read or under `archived=true`.
- Changing an association does not touch either record's last-modified property
  (nothing documents that it does); a merge stamps only the surviving contact.
- Injected 429 faults answer with the ten-secondly body (the fault layer does not
  say which route failed); the enforced search limit answers with the secondly body.
- URLs longer than 8,000 characters get 414 (observed limits range 8-16 KB).
- Search sorts may be objects or strings; a string sorts ascending, "-name" descending.
- Ids are unique across all object types.

Test helpers live on `store` (a CrmStore): edit, create, archive, restore, purge,
merge_contacts, associate, dissociate, touch, create_many, define_property.
See routes.py for the routes.
"""

from .auth import ACCESS_TOKEN
from .ratelimit import PolicyLimit
from .routes import HubSpotApi
from .store import CrmStore

__all__ = ["ACCESS_TOKEN", "CrmStore", "HubSpotApi", "PolicyLimit"]
