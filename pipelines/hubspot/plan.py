"""What to load: the settings checked into a plan, and the columns each object type gets.

Property definitions are read when the source is built, so a wrong token or an
object type HubSpot does not know stops the run before anything is extracted, with a
message naming the setting to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.settings import SettingError
from .client import CrmClient, HubSpotError
from .columns import RESERVED_COLUMNS, merge_property_columns, property_columns
from .objects import ObjectType
from .settings import (
    ASSOCIATIONS_SETTING,
    DEFAULT_ASSOCIATION_TARGETS,
    DEFAULT_OBJECTS,
    ENGAGEMENT_TYPES,
    ENGAGEMENTS_SETTING,
    ENGAGEMENTS_TABLE,
    OBJECTS_SETTING,
    engagement_type_name,
)


@dataclass(frozen=True)
class CrmPlan:
    objects: tuple[str, ...]  # each its own table
    engagement_types: tuple[str, ...]  # together in the engagements table
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # association from -> to

    @property
    def object_types(self) -> tuple[str, ...]:
        return self.objects + self.engagement_types

    def table_for(self, object_type: str) -> str:
        return ENGAGEMENTS_TABLE if object_type in self.engagement_types else object_type

    @property
    def linked_types(self) -> set[str]:
        """Object types whose changes the associations table depends on."""
        return set(self.targets) | {t for targets in self.targets.values() for t in targets}


def build_plan(
    objects: Sequence[str] | None,
    engagement_types: Sequence[str] | None,
    associations: Sequence[str] | None,
) -> CrmPlan:
    """Validate the settings into a plan; a wrong setting raises SettingError naming it."""
    object_list = _names(objects, DEFAULT_OBJECTS, OBJECTS_SETTING)
    engagement_list = _names(engagement_types, ENGAGEMENT_TYPES, ENGAGEMENTS_SETTING)
    if ENGAGEMENTS_TABLE in object_list:
        raise SettingError(
            OBJECTS_SETTING,
            "`engagements` is not an object type",
            secret=False,
            hint="Choose the activity types with engagement_types instead.",
        )
    both = sorted(set(object_list) & set(engagement_list))
    if both:
        raise SettingError(
            OBJECTS_SETTING,
            f"{', '.join(both)} is listed both as an object and as an engagement type",
            secret=False,
            hint="List each object type once.",
        )
    loaded = set(object_list) | set(engagement_list)
    targets: dict[str, list[str]] = {}
    if associations is None:
        for from_type in object_list + engagement_list:
            wanted = [t for t in DEFAULT_ASSOCIATION_TARGETS.get(from_type, ()) if t in loaded]
            if wanted:
                targets[from_type] = wanted
    else:
        for pair in associations:
            from_type, _, to_type = str(pair).strip().lower().partition(":")
            if not from_type or not to_type:
                raise SettingError(
                    ASSOCIATIONS_SETTING,
                    f"{pair!r} is not a `from:to` pair such as `contacts:companies`",
                    secret=False,
                )
            if from_type not in loaded:
                raise SettingError(
                    ASSOCIATIONS_SETTING,
                    f"associations from {from_type} need {from_type} in objects or engagement_types",
                    secret=False,
                )
            targets.setdefault(from_type, [])
            if to_type not in targets[from_type]:
                targets[from_type].append(to_type)
    return CrmPlan(
        tuple(object_list), tuple(engagement_list), {k: tuple(v) for k, v in targets.items()}
    )


def discover(client: CrmClient, plan: CrmPlan) -> dict[str, ObjectType]:
    """Read every object type's property definitions and turn them into typed columns."""
    per_type = {}
    for object_type in plan.object_types:
        try:
            definitions = client.properties(object_type)
        except HubSpotError as error:
            if error.status in (400, 404):
                setting = (
                    ENGAGEMENTS_SETTING if object_type in plan.engagement_types else OBJECTS_SETTING
                )
                raise SettingError(
                    setting,
                    f"HubSpot does not know the object type {object_type!r}",
                    secret=False,
                    hint="Use API names such as contacts, companies, deals, tickets.",
                ) from None
            raise
        per_type[object_type] = property_columns(definitions, RESERVED_COLUMNS, object_type)
    engagement_columns = merge_property_columns(per_type[t] for t in plan.engagement_types)
    specs = {}
    for object_type in plan.object_types:
        if object_type in plan.engagement_types:
            specs[object_type] = ObjectType(
                object_type,
                ENGAGEMENTS_TABLE,
                engagement_columns,
                {"engagement_type": engagement_type_name(object_type)},
            )
        else:
            specs[object_type] = ObjectType(object_type, object_type, per_type[object_type])
    return specs


def _names(values: Sequence[str] | None, default: Sequence[str], setting: str) -> list[str]:
    if values is None:
        return list(default)
    if isinstance(values, str):
        raise SettingError(
            setting,
            f"expected a list of object types, got the text {values!r}",
            secret=False,
            hint='Write a JSON list, for example ["contacts", "companies", "deals"].',
        )
    names = [str(v).strip().lower() for v in values if str(v).strip()]
    return list(dict.fromkeys(names))
