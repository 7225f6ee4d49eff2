"""The demo's day in the CRM: an edit, a logged call, an archive, a merge and an unlink."""

from __future__ import annotations

from .store import CrmStore


def demo_changes(crm: CrmStore) -> list[str]:
    """What a day in the CRM looks like; returns a line per change."""
    contacts = crm.ids("contacts")
    edited, archived, kept, merged = contacts[3], contacts[10], contacts[20], contacts[21]
    company = crm.ids("companies")[0]
    name = crm.record("contacts", edited).properties.get("firstname")
    crm.edit("contacts", edited, jobtitle="Head of Platform", hs_lead_status="CONNECTED")
    call = crm.create(
        "calls",
        {
            "hs_timestamp": crm.clock.now().isoformat(timespec="milliseconds"),
            "hs_call_title": "Catch-up call",
            "hs_call_direction": "OUTBOUND",
            "hs_call_duration": 1_260_000,
        },
        associations=[("contacts", edited), ("companies", company)],
    )
    crm.archive("contacts", archived)
    crm.merge_contacts(kept, merged)
    unlinked = contacts[30]
    employer = crm.visible_links("contacts", unlinked, "companies")[0][0]
    crm.dissociate("contacts", unlinked, "companies", employer)
    return [
        f"HubSpot: {name} (contact {edited}) has a new job title and lead status",
        f"HubSpot: logged a 21-minute call {call.id} with contact {edited}",
        f"HubSpot: archived contact {archived}",
        f"HubSpot: merged contact {merged} into {kept}",
        f"HubSpot: unlinked contact {unlinked} from company {employer}",
    ]
