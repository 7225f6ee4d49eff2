"""Deterministic sample CRM: 160 contacts, their ~20 companies, ~600 engagements, a few deals.

Everything derives from (seed, anchor): the same inputs always give the same ids,
values and timestamps. Activity spreads over the year before the anchor date.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from ..people import COMPANIES, hubspot_people
from .catalog import (
    ASSOCIATIONS,
    CALL_DIRECTIONS,
    DEAL_STAGES,
    EMAIL_DIRECTIONS,
    INDUSTRIES,
    LEAD_STATUSES,
    LIFECYCLE_STAGES,
    MET_VIA,
    RELATIONSHIP_TIERS,
    TASK_PRIORITIES,
    TASK_STATUSES,
)
from .store import CrmStore, iso

ENGAGEMENT_COUNT = 600
ENGAGEMENT_WEIGHTS = {"calls": 20, "emails": 30, "meetings": 15, "notes": 20, "tasks": 15}
CITIES = ("London", "Berlin", "Lisbon", "Amsterdam", "Dublin", "Copenhagen", "Vienna", "Madrid")

CALL_TOPICS = ("Catch-up call", "Intro call", "Quick question", "Birthday call", "Project check-in")
EMAIL_SUBJECTS = (
    "Coffee next week?",
    "Re: the article you mentioned",
    "Intro: two people you should meet",
    "Thanks for yesterday",
    "Conference slides",
)
MEETING_TITLES = ("Lunch", "Coffee", "Dinner", "Walk in the park", "Conference meetup")
NOTE_BODIES = (
    "Moving to a new role in spring.",
    "Kids started school; ask how it is going.",
    "Training for a marathon.",
    "Recommended a book on distributed systems.",
    "Looking for a co-founder.",
)
TASK_SUBJECTS = (
    "Send the article",
    "Book the restaurant",
    "Reply about the intro",
    "Share conference notes",
    "Wish happy birthday",
)


def populate(store: CrmStore, seed: int, anchor: date) -> None:
    rng = random.Random(f"hubspot-{seed}-{anchor.isoformat()}")
    end = datetime.combine(anchor, time(17, 30), UTC)
    year_ago = end - timedelta(days=365)

    def between(start: datetime, stop: datetime) -> datetime:
        span = max(0.0, (stop - start).total_seconds())
        moment = start + timedelta(seconds=rng.uniform(0, span))
        return moment.replace(microsecond=(moment.microsecond // 1000) * 1000)

    companies = {}
    for name, domain in COMPANIES:
        created = between(year_ago - timedelta(days=400), year_ago)
        record = store.insert(
            "companies",
            {
                "name": name,
                "domain": domain,
                "industry": rng.choice(INDUSTRIES),
                "city": rng.choice(CITIES),
                "numberofemployees": str(rng.choice((3, 12, 40, 85, 250, 1200, 5400))),
                "relationship_tier": rng.choice(RELATIONSHIP_TIERS),
            },
            created,
            between(created, end),
        )
        companies[domain] = record.id

    contacts = []
    for person in hubspot_people(seed):
        created = between(year_ago - timedelta(days=200), end - timedelta(days=20))
        catch_up = anchor + timedelta(days=rng.randint(1, 60)) if rng.random() < 0.5 else None
        record = store.insert(
            "contacts",
            {
                "email": person.email,
                "firstname": person.first_name,
                "lastname": person.last_name,
                "phone": person.phone if rng.random() < 0.8 else None,
                "company": person.company,
                "jobtitle": person.job_title,
                "lifecyclestage": rng.choice(LIFECYCLE_STAGES),
                "hs_lead_status": rng.choice(LEAD_STATUSES) if rng.random() < 0.7 else None,
                # HubSpot sends "" for a cleared value; non-text columns must read it as null
                "relationship_strength": str(rng.randint(1, 10)) if rng.random() < 0.9 else "",
                "met_via": rng.choice(MET_VIA),
                "newsletter_opt_in": "true" if rng.random() < 0.4 else "false",
                "next_catch_up": catch_up.isoformat() if catch_up else None,
                "hs_merged_object_ids": None,
            },
            created,
            between(created, end),
        )
        company_id = companies[person.company_domain]
        store.link("contacts", record.id, "companies", company_id, (1, 279))
        contacts.append((record.id, company_id, person.first_name))

    types = list(ENGAGEMENT_WEIGHTS)
    weights = list(ENGAGEMENT_WEIGHTS.values())
    for _ in range(ENGAGEMENT_COUNT):
        object_type = rng.choices(types, weights)[0]
        stamp = between(year_ago, end - timedelta(hours=3))
        created = stamp + timedelta(minutes=rng.randint(0, 120))
        modified = min(end, between(created, created + timedelta(days=30)))
        people = rng.sample(contacts, 2 if rng.random() < 0.15 else 1)
        properties = {
            "hs_timestamp": iso(stamp),
            **_engagement_values(rng, object_type, stamp, people[0][2]),
        }
        record = store.insert(object_type, properties, created, modified)
        for contact_id, _company_id, _ in people:
            store.link(
                object_type, record.id, "contacts", contact_id, _unlabeled(object_type, "contacts")
            )
        store.link(
            object_type, record.id, "companies", people[0][1], _unlabeled(object_type, "companies")
        )

    for index in range(4):
        contact_id, company_id, first_name = rng.choice(contacts)
        created = between(year_ago, end - timedelta(days=10))
        close = created + timedelta(days=rng.randint(10, 90))
        record = store.insert(
            "deals",
            {
                "dealname": f"Advisory project {index + 1} ({first_name})",
                "amount": str(rng.choice((500, 1200, 2500, 4000))),
                "dealstage": rng.choice(DEAL_STAGES),
                "pipeline": "default",
                "closedate": iso(close),
            },
            created,
            between(created, end),
        )
        store.link("deals", record.id, "contacts", contact_id, (3,))
        store.link("deals", record.id, "companies", company_id, (5, 341))


def _unlabeled(from_type: str, to_type: str) -> tuple[int]:
    return (ASSOCIATIONS.unlabeled[(from_type, to_type)],)


def _engagement_values(
    rng: random.Random, object_type: str, stamp: datetime, first_name: str
) -> dict[str, str | None]:
    if object_type == "calls":
        return {
            "hs_call_title": f"{rng.choice(CALL_TOPICS)} with {first_name}",
            "hs_call_duration": str(rng.randint(60, 3600) * 1000),
            "hs_call_direction": rng.choice(CALL_DIRECTIONS),
        }
    if object_type == "emails":
        return {
            "hs_email_subject": rng.choice(EMAIL_SUBJECTS),
            "hs_email_direction": rng.choice(EMAIL_DIRECTIONS),
        }
    if object_type == "meetings":
        return {
            "hs_meeting_title": f"{rng.choice(MEETING_TITLES)} with {first_name}",
            "hs_meeting_start_time": iso(stamp),
            "hs_meeting_end_time": iso(stamp + timedelta(minutes=rng.choice((30, 45, 60, 90)))),
        }
    if object_type == "notes":
        return {"hs_note_body": f"{first_name}: {rng.choice(NOTE_BODIES)}"}
    return {
        "hs_task_subject": f"{rng.choice(TASK_SUBJECTS)} ({first_name})",
        "hs_task_status": rng.choice(TASK_STATUSES),
        "hs_task_priority": rng.choice(TASK_PRIORITIES),
    }
