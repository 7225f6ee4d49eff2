"""What the stand-in CRM knows about: object types, property definitions, association types.

Property definitions carry every field the official SDK's `Property` model requires
(`name`, `label`, `type`, `fieldType`, `groupName`, `description`, `options`) plus the
optional ones HubSpot sends. Association type ids are HubSpot's HUBSPOT_DEFINED ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENGAGEMENT_TYPES = ("calls", "emails", "meetings", "notes", "tasks")
OBJECT_TYPES = ("contacts", "companies", "deals", *ENGAGEMENT_TYPES)

# Singular names and HubSpot object type ids are accepted wherever a type is named.
ALIASES = {
    "contact": "contacts",
    "0-1": "contacts",
    "company": "companies",
    "0-2": "companies",
    "deal": "deals",
    "0-3": "deals",
    "call": "calls",
    "0-48": "calls",
    "email": "emails",
    "0-49": "emails",
    "meeting": "meetings",
    "0-47": "meetings",
    "note": "notes",
    "0-46": "notes",
    "task": "tasks",
    "0-27": "tasks",
}

SINGULAR = {
    "contacts": "contact",
    "companies": "company",
    "deals": "deal",
    "calls": "call",
    "emails": "email",
    "meetings": "meeting",
    "notes": "note",
    "tasks": "task",
}

LAST_MODIFIED = {"contacts": "lastmodifieddate"}  # every other type: hs_lastmodifieddate
CREATED = {"contacts": "createdate", "companies": "createdate", "deals": "createdate"}


def last_modified_property(object_type: str) -> str:
    return LAST_MODIFIED.get(object_type, "hs_lastmodifieddate")


def created_property(object_type: str) -> str:
    return CREATED.get(object_type, "hs_createdate")


def canonical_type(name: str) -> str | None:
    name = name.lower()
    if name in OBJECT_TYPES:
        return name
    return ALIASES.get(name)


# -- properties ----------------------------------------------------------------------


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str  # string, number, datetime, date, bool, enumeration, phone_number
    field_type: str  # text, textarea, number, date, booleancheckbox, select, radio, checkbox, ...
    label: str = ""
    group: str = ""
    options: tuple[str, ...] = ()
    hubspot_defined: bool = True
    read_only: bool = False
    calculated: bool = False


def _option_label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def property_definition(spec: PropertySpec, order: int, stamp: str) -> dict[str, Any]:
    """The wire shape of GET /crm/v3/properties/{objectType} results."""
    options = [
        {
            "label": _option_label(value),
            "value": value,
            "displayOrder": index,
            "hidden": False,
            "description": "",
        }
        for index, value in enumerate(spec.options)
    ]
    if spec.type == "bool" and not options:
        options = [
            {"label": "Yes", "value": "true", "displayOrder": 0, "hidden": False},
            {"label": "No", "value": "false", "displayOrder": 1, "hidden": False},
        ]
    definition: dict[str, Any] = {
        "updatedAt": stamp,
        "createdAt": stamp,
        "name": spec.name,
        "label": spec.label or _option_label(spec.name),
        "type": spec.type,
        "fieldType": spec.field_type,
        "description": "",
        "groupName": spec.group or "information",
        "options": options,
        "displayOrder": order,
        "calculated": spec.calculated,
        "externalOptions": False,
        "hasUniqueValue": spec.name == "hs_object_id",
        "hidden": False,
        "modificationMetadata": {
            "archivable": not spec.hubspot_defined,
            "readOnlyDefinition": spec.hubspot_defined,
            "readOnlyValue": spec.read_only,
        },
        "formField": not spec.read_only,
        "dataSensitivity": "non_sensitive",
        "archived": False,
    }
    if spec.hubspot_defined:
        definition["hubspotDefined"] = True
    return definition


def _dt(name: str, label: str = "", *, read_only: bool = True) -> PropertySpec:
    return PropertySpec(name, "datetime", "date", label, read_only=read_only)


def _id_spec() -> PropertySpec:
    return PropertySpec("hs_object_id", "number", "number", "Record ID", read_only=True)


LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
LEAD_STATUSES = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
)
MET_VIA = ("work", "conference", "friends", "school", "online", "family", "neighbourhood")
INDUSTRIES = (
    "COMPUTER_SOFTWARE",
    "INFORMATION_TECHNOLOGY_AND_SERVICES",
    "FINANCIAL_SERVICES",
    "HOSPITAL_HEALTH_CARE",
    "EDUCATION_MANAGEMENT",
    "LOGISTICS_AND_SUPPLY_CHAIN",
    "PUBLISHING",
    "RESTAURANTS",
    "LAW_PRACTICE",
    "RENEWABLES_ENVIRONMENT",
    "DESIGN",
    "SPORTS",
)
RELATIONSHIP_TIERS = ("inner_circle", "close", "network", "dormant")
CALL_DIRECTIONS = ("INBOUND", "OUTBOUND")
EMAIL_DIRECTIONS = ("EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL")
TASK_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
TASK_PRIORITIES = ("NONE", "LOW", "MEDIUM", "HIGH")
DEAL_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)


def _engagement_common() -> list[PropertySpec]:
    return [
        PropertySpec("hs_timestamp", "datetime", "date", "Activity date"),
        _dt("hs_createdate", "Create date"),
        _dt("hs_lastmodifieddate", "Last modified date"),
        _id_spec(),
    ]


DEFAULT_PROPERTIES: dict[str, list[PropertySpec]] = {
    "contacts": [
        PropertySpec("email", "string", "text", "Email", "contactinformation"),
        PropertySpec("firstname", "string", "text", "First name", "contactinformation"),
        PropertySpec("lastname", "string", "text", "Last name", "contactinformation"),
        PropertySpec("phone", "string", "phonenumber", "Phone number", "contactinformation"),
        PropertySpec("company", "string", "text", "Company name", "contactinformation"),
        PropertySpec("jobtitle", "string", "text", "Job title", "contactinformation"),
        PropertySpec(
            "lifecyclestage", "enumeration", "radio", "Lifecycle stage", options=LIFECYCLE_STAGES
        ),
        PropertySpec(
            "hs_lead_status", "enumeration", "radio", "Lead status", options=LEAD_STATUSES
        ),
        _dt("createdate", "Create date"),
        _dt("lastmodifieddate", "Last modified date"),
        _id_spec(),
        PropertySpec(
            "hs_merged_object_ids",
            "enumeration",
            "checkbox",
            "Merged record IDs",
            read_only=True,
            calculated=True,
        ),
        PropertySpec(
            "relationship_strength",
            "number",
            "number",
            "Relationship strength",
            "personal",
            (),
            False,
        ),
        PropertySpec("met_via", "enumeration", "select", "Met via", "personal", MET_VIA, False),
        PropertySpec(
            "newsletter_opt_in",
            "bool",
            "booleancheckbox",
            "Newsletter opt-in",
            "personal",
            (),
            False,
        ),
        PropertySpec("next_catch_up", "date", "date", "Next catch-up", "personal", (), False),
    ],
    "companies": [
        PropertySpec("name", "string", "text", "Company name", "companyinformation"),
        PropertySpec("domain", "string", "text", "Company domain name", "companyinformation"),
        PropertySpec("industry", "enumeration", "select", "Industry", options=INDUSTRIES),
        PropertySpec("city", "string", "text", "City", "companyinformation"),
        PropertySpec("numberofemployees", "number", "number", "Number of employees"),
        _dt("createdate", "Create date"),
        _dt("hs_lastmodifieddate", "Last modified date"),
        _id_spec(),
        PropertySpec(
            "relationship_tier",
            "enumeration",
            "select",
            "Relationship tier",
            "personal",
            RELATIONSHIP_TIERS,
            False,
        ),
    ],
    "deals": [
        PropertySpec("dealname", "string", "text", "Deal name", "dealinformation"),
        PropertySpec("amount", "number", "number", "Amount", "dealinformation"),
        PropertySpec("dealstage", "enumeration", "radio", "Deal stage", options=DEAL_STAGES),
        PropertySpec("pipeline", "enumeration", "select", "Pipeline", options=("default",)),
        PropertySpec("closedate", "datetime", "date", "Close date"),
        _dt("createdate", "Create date"),
        _dt("hs_lastmodifieddate", "Last modified date"),
        _id_spec(),
    ],
    "calls": [
        *_engagement_common(),
        PropertySpec("hs_call_title", "string", "text", "Call title"),
        PropertySpec("hs_call_duration", "number", "number", "Call duration (ms)"),
        PropertySpec(
            "hs_call_direction", "enumeration", "select", "Call direction", options=CALL_DIRECTIONS
        ),
    ],
    "emails": [
        *_engagement_common(),
        PropertySpec("hs_email_subject", "string", "text", "Email subject"),
        PropertySpec(
            "hs_email_direction",
            "enumeration",
            "select",
            "Email direction",
            options=EMAIL_DIRECTIONS,
        ),
    ],
    "meetings": [
        *_engagement_common(),
        PropertySpec("hs_meeting_title", "string", "text", "Meeting name"),
        PropertySpec("hs_meeting_start_time", "datetime", "date", "Meeting start time"),
        PropertySpec("hs_meeting_end_time", "datetime", "date", "Meeting end time"),
    ],
    "notes": [
        *_engagement_common(),
        PropertySpec("hs_note_body", "string", "html", "Note body"),
    ],
    "tasks": [
        *_engagement_common(),
        PropertySpec("hs_task_subject", "string", "text", "Task title"),
        PropertySpec(
            "hs_task_status", "enumeration", "select", "Task status", options=TASK_STATUSES
        ),
        PropertySpec(
            "hs_task_priority", "enumeration", "select", "Priority", options=TASK_PRIORITIES
        ),
    ],
}

# Properties the list and search endpoints return when the request names none.
DEFAULT_RETURNED = {
    "contacts": (
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    ),
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    "deals": (
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ),
}


def default_returned(object_type: str) -> tuple[str, ...]:
    return DEFAULT_RETURNED.get(
        object_type, ("hs_createdate", "hs_lastmodifieddate", "hs_object_id")
    )


# -- association types ----------------------------------------------------------------


@dataclass(frozen=True)
class AssociationType:
    type_id: int
    label: str | None
    category: str = "HUBSPOT_DEFINED"

    def wire(self) -> dict[str, Any]:
        return {"category": self.category, "typeId": self.type_id, "label": self.label}


@dataclass
class AssociationCatalog:
    """Unlabeled and primary HUBSPOT_DEFINED type ids, per direction, with their inverses."""

    unlabeled: dict[tuple[str, str], int] = field(default_factory=dict)
    primary: dict[tuple[str, str], int] = field(default_factory=dict)

    def inverse(self, from_type: str, to_type: str, type_id: int) -> int:
        if self.primary.get((from_type, to_type)) == type_id:
            return self.primary[(to_type, from_type)]
        return self.unlabeled[(to_type, from_type)]

    def describe(self, from_type: str, to_type: str, type_id: int) -> AssociationType:
        if self.primary.get((from_type, to_type)) == type_id:
            return AssociationType(type_id, "Primary")
        return AssociationType(type_id, None)

    def supports(self, from_type: str, to_type: str) -> bool:
        return (from_type, to_type) in self.unlabeled


def _catalog() -> AssociationCatalog:
    pairs = {
        ("contacts", "companies"): (279, 280),
        ("deals", "contacts"): (3, 4),
        ("deals", "companies"): (341, 342),
        ("calls", "contacts"): (194, 193),
        ("calls", "companies"): (182, 181),
        ("emails", "contacts"): (198, 197),
        ("emails", "companies"): (186, 185),
        ("meetings", "contacts"): (200, 199),
        ("meetings", "companies"): (188, 187),
        ("notes", "contacts"): (202, 201),
        ("notes", "companies"): (190, 189),
        ("tasks", "contacts"): (204, 203),
        ("tasks", "companies"): (192, 191),
    }
    catalog = AssociationCatalog()
    for (a, b), (forward, backward) in pairs.items():
        catalog.unlabeled[(a, b)] = forward
        catalog.unlabeled[(b, a)] = backward
    catalog.primary.update(
        {
            ("contacts", "companies"): 1,
            ("companies", "contacts"): 2,
            ("deals", "companies"): 5,
            ("companies", "deals"): 6,
        }
    )
    return catalog


ASSOCIATIONS = _catalog()
