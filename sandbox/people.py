"""One deterministic cast of people shared by the HubSpot and Google sample data.

HubSpot and Google Contacts overlap the way a real person's do: many people appear in
both, matched by email (often with different casing or spacing) or only by phone, so
the identity matching downstream has real work to do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Katherine",
    "Guido",
    "Hedy",
    "John",
    "Sophie",
    "Niklaus",
    "Anita",
    "Donald",
    "Shafi",
    "Leslie",
    "Lynn",
    "Bjarne",
    "Mary",
    "James",
    "Fei-Fei",
    "Yukihiro",
    "Joan",
    "Andrew",
    "Jean",
    "Kristen",
    "Rasmus",
    "Evelyn",
    "Carl",
    "Elena",
    "Omar",
    "Priya",
    "Mateo",
    "Ingrid",
)
LAST_NAMES = (
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Berners-Lee",
    "Johnson",
    "van Rossum",
    "Lamarr",
    "McCarthy",
    "Wilson",
    "Wirth",
    "Borg",
    "Knuth",
    "Goldwasser",
    "Lamport",
    "Conway",
    "Stroustrup",
    "Kenneth",
    "Gosling",
    "Li",
    "Matsumoto",
    "Clarke",
    "Ng",
    "Sammet",
    "Nygaard",
    "Lerdorf",
    "Berezin",
    "Sagan",
    "Garcia",
    "Haddad",
    "Raman",
    "Silva",
    "Berg",
)
COMPANIES = (
    ("Analytical Engines", "analytical-engines.example"),
    ("Bletchley Systems", "bletchley.example"),
    ("Cobol Works", "cobolworks.example"),
    ("Kernel Labs", "kernel-labs.example"),
    ("Apollo Guidance", "apollo-guidance.example"),
    ("Unix Foundry", "unixfoundry.example"),
    ("Northwind Data", "northwind-data.example"),
    ("Fjord Analytics", "fjord-analytics.example"),
    ("Larch & Pine", "larchpine.example"),
    ("Harbor Health", "harborhealth.example"),
    ("Copper Kettle Cafe", "copperkettle.example"),
    ("Meridian Capital", "meridian-capital.example"),
    ("Orbit Robotics", "orbit-robotics.example"),
    ("Tidewater Logistics", "tidewater.example"),
    ("Quill Publishing", "quillpub.example"),
    ("Summit Climbing Gym", "summitgym.example"),
    ("Blue Heron Design", "blueheron.example"),
    ("Atlas Legal", "atlaslegal.example"),
    ("Greenfield School", "greenfield.example"),
    ("Lumen Energy", "lumen-energy.example"),
)
TITLES = (
    "Engineer",
    "Data Engineer",
    "Founder",
    "Product Manager",
    "Designer",
    "Analyst",
    "CTO",
    "Teacher",
    "Doctor",
    "Lawyer",
    "Consultant",
    "Researcher",
    "Sales Lead",
    "Recruiter",
    "Chef",
)


@dataclass(frozen=True)
class Person:
    index: int
    first_name: str
    last_name: str
    email: str
    personal_email: str
    phone: str  # E.164
    company: str
    company_domain: str
    job_title: str
    birthday: tuple[int | None, int, int] | None  # (year or None, month, day)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def cast(seed: int, size: int = 400) -> list[Person]:
    """The same `size` people for a given seed, in a stable order."""
    rng = random.Random(f"people-{seed}")
    people = []
    for index in range(size):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
        company, domain = COMPANIES[rng.randrange(len(COMPANIES))]
        handle = f"{_slug(first)}.{_slug(last)}{index}"
        birthday = None
        if rng.random() < 0.6:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            year = rng.randint(1955, 2002) if rng.random() < 0.7 else None
            birthday = (year, month, day)
        people.append(
            Person(
                index=index,
                first_name=first,
                last_name=last,
                email=f"{handle}@{domain}",
                personal_email=f"{handle}@mail.example",
                phone=f"+1555{rng.randint(1000000, 9999999)}",
                company=company,
                company_domain=domain,
                job_title=TITLES[rng.randrange(len(TITLES))],
                birthday=birthday,
            )
        )
    return people


def hubspot_people(seed: int) -> list[Person]:
    """People in the CRM: the first 160 of the cast."""
    return cast(seed)[:160]


def google_people(seed: int) -> list[Person]:
    """People in Google Contacts: 300 of the cast, 100 of them also in the CRM."""
    return cast(seed)[60:360]
