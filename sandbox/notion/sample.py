"""The habit trackers the sandbox starts with: a year of daily pages and the weekly ones.

Deterministic for (seed, anchor): habits keep streaks, weekends and sick or travel
stretches change them, a few days are never logged. Pages are logged in the evening of
their day and sometimes touched up the next morning; no timestamp lies after the clock's
present (relevant when the anchor is today, as in the demo).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from .model import Page, minute
from .store import NotionStore

DAILY = "Daily Habits"
WEEKLY = "Weekly Habits"
DAILY_CHECKBOXES = ("Meditated", "Workout", "Read 30 min", "No alcohol")
WEEKLY_CHECKBOXES = ("Weekly review", "Long run", "Called family")
MOODS = ("Great", "Good", "Okay", "Low")
TAGS = ("travel", "sick", "weekend", "office", "remote")
ENERGY = ("High", "Medium", "Low")
STATUSES = ("Not started", "In progress", "Done")
NOTES = (
    "Slept badly, too much coffee.",
    "Great run by the river.",
    "Dinner with friends.",
    "Long day at work.",
    "Started a new book.",
    "Felt a cold coming.",
    "Lazy Sunday.",
    "Early flight tomorrow.",
    "Yoga instead of the gym.",
    "Family visit.",
)

# habit -> (weekday chance, weekend chance, chance to repeat yesterday)
HABIT_HABITS = {
    "Meditated": (0.65, 0.5, 0.75),
    "Workout": (0.5, 0.35, 0.55),
    "Read 30 min": (0.5, 0.65, 0.7),
    "No alcohol": (0.9, 0.45, 0.6),
}


@dataclass(frozen=True)
class HabitWorkspace:
    daily_database_id: str
    weekly_database_id: str


def build_habits(store: NotionStore, seed: int, anchor: date) -> HabitWorkspace:
    """Create both databases and fill them with a year of pages ending at `anchor`."""
    rng = random.Random(f"notion-habits-{seed}-{anchor.isoformat()}")
    latest = store.clock.now() - timedelta(minutes=1)  # nothing is logged in the future
    first_day = anchor - timedelta(days=364)
    owner = store.add_user("Alex Morgan", "alex@example.com")
    partner = store.add_user("Sam Rivera", "sam@example.com")
    store.owner = owner
    schema_time = _at(first_day - timedelta(days=14), 10, 0)

    weekly_db = store.add_database(
        WEEKLY,
        {
            "Week": "title",
            "Week of": "date",
            **{name: "checkbox" for name in WEEKLY_CHECKBOXES},
            "Deep work hours": "number",
            "Energy": ("select", {"options": list(ENERGY)}),
            "Status": ("status", {"options": list(STATUSES)}),
            "Ref": ("unique_id", {"prefix": "WK"}),
            "URL": "url",
        },
        at=schema_time,
    )
    weekly = store.data_source(weekly_db.data_source_ids[0])
    daily_db = store.add_database(
        DAILY,
        {
            "Day": "title",
            "Date": "date",
            **{name: "checkbox" for name in DAILY_CHECKBOXES},
            "Sleep hours": "number",
            "Steps": "number",
            "Mood": ("select", {"options": list(MOODS)}),
            "Tags": ("multi_select", {"options": list(TAGS)}),
            "Notes": "rich_text",
            "Week": ("relation", {"target": weekly.id, "synced_property_name": "Days"}),
            "Logged by": "created_by",
        },
        at=schema_time,
    )
    daily = store.data_source(daily_db.data_source_ids[0])
    checkbox_ids = [daily.find(name).id for name in DAILY_CHECKBOXES]
    store.add_property(
        daily,
        "Score",
        "formula",
        {"expression": " + ".join(f'toNumber(prop("{n}"))' for n in DAILY_CHECKBOXES)},
        evaluate=lambda s, page: ("number", sum(bool(page.values.get(i)) for i in checkbox_ids)),
    )
    store.add_property(
        weekly,
        "Days logged",
        "rollup",
        {"relation_property_name": "Days", "rollup_property_name": "Day", "function": "count"},
    )
    weekly_ids = [weekly.find(name).id for name in WEEKLY_CHECKBOXES]
    store.add_property(
        weekly,
        "Completion",
        "formula",
        {
            "expression": "round(("
            + " + ".join(f'toNumber(prop("{n}"))' for n in WEEKLY_CHECKBOXES)
            + ") / 3 * 100) / 100"
        },
        evaluate=lambda s, page: (
            "number",
            round(sum(bool(page.values.get(i)) for i in weekly_ids) / 3, 2),
        ),
    )
    for source in (daily, weekly):
        source.last_edited_time = schema_time
    for database in (daily_db, weekly_db):
        database.last_edited_time = schema_time

    days = [first_day + timedelta(days=n) for n in range(365)]
    skipped = set(rng.sample(days[:-1], 6))
    stretches = _stretches(rng, days)
    weeks: dict[date, Page] = {}
    previous: dict[str, bool] = {}
    logged_by_week: dict[date, list[Page]] = {}
    for day in days:
        monday = day - timedelta(days=day.weekday())
        if monday not in weeks:
            weeks[monday] = _weekly_page(store, weekly, rng, monday, latest)
        if day in skipped:
            continue
        page = _daily_page(store, daily, rng, day, stretches, previous, owner, partner, latest)
        logged_by_week.setdefault(monday, []).append(page)
    week_relation = daily.find("Week").id
    days_relation = weekly.find("Days").id
    for monday, week_page in weeks.items():
        pages = logged_by_week.get(monday, [])
        week_page.values[days_relation] = [p.id for p in pages]
        for page in pages:
            page.values[week_relation] = [week_page.id]
        _finish_week(store, weekly, rng, week_page, pages, monday, anchor, latest)
    return HabitWorkspace(daily_db.id, weekly_db.id)


def _at(day: date, hour: int, minute_of_hour: int) -> datetime:
    return datetime.combine(day, time(hour, minute_of_hour), tzinfo=UTC)


def _capped(moment: datetime, latest: datetime) -> datetime:
    return minute(min(moment, latest))


def _stretches(rng: random.Random, days: list[date]) -> dict[date, str]:
    """A few sick and travel stretches, a handful of days each."""
    marked: dict[date, str] = {}
    for tag, count, length in (("sick", 3, (2, 4)), ("travel", 4, (3, 6))):
        for _ in range(count):
            start = rng.randrange(len(days) - 7)
            for offset in range(rng.randint(*length)):
                marked.setdefault(days[start + offset], tag)
    return marked


def _daily_page(
    store: NotionStore,
    daily,
    rng: random.Random,
    day: date,
    stretches: dict[date, str],
    previous: dict[str, bool],
    owner,
    partner,
    latest: datetime,
) -> Page:
    weekend = day.weekday() >= 5
    stretch = stretches.get(day)
    ticks: dict[str, bool] = {}
    for habit, (weekday_chance, weekend_chance, repeat) in HABIT_HABITS.items():
        chance = weekend_chance if weekend else weekday_chance
        if habit == "No alcohol" and day.weekday() == 4:
            chance = 0.5
        if habit in previous and rng.random() < repeat:
            ticks[habit] = previous[habit]
        else:
            ticks[habit] = rng.random() < chance
        if stretch == "sick" and habit == "Workout":
            ticks[habit] = False
    previous.update(ticks)
    sleep = rng.gauss(7.1 + (0.6 if weekend else 0) - (0.5 if stretch == "travel" else 0), 0.7)
    sleep_hours = None if rng.random() < 0.03 else round(max(4.5, min(10.0, sleep)) * 4) / 4
    steps_mean = (
        7000 + 4500 * ticks["Workout"] + 2500 * (stretch == "travel") - 4000 * (stretch == "sick")
    )
    steps = None if rng.random() < 0.03 else int(max(800, rng.gauss(steps_mean, 1800)))
    mood_score = sum(ticks.values()) + ((sleep_hours or 7) - 7) + rng.gauss(0, 1)
    if stretch == "sick":
        mood_score -= 3
    mood = MOODS[0 if mood_score > 3.2 else 1 if mood_score > 1.8 else 2 if mood_score > 0.5 else 3]
    tags = []
    if stretch:
        tags.append(stretch)
    if weekend:
        tags.append("weekend")
    elif stretch != "travel":
        tags.append("office" if day.weekday() in (1, 2, 3) and rng.random() < 0.8 else "remote")
    note = rng.choice(NOTES) if rng.random() < 0.15 else ""
    created = _capped(_at(day, 20, 0) + timedelta(minutes=rng.randrange(180)), latest)
    author = partner if rng.random() < 0.05 else owner
    page = store.add_page(
        daily,
        {
            "Day": f"{day:%a} {day.isoformat()}",
            "Date": day.isoformat(),
            **ticks,
            "Sleep hours": sleep_hours,
            "Steps": steps,
            "Mood": mood,
            "Tags": tags,
            "Notes": note,
        },
        created_by=author,
        at=created,
    )
    edited = created + timedelta(minutes=rng.randrange(45))
    if rng.random() < 0.2:
        edited = _at(day + timedelta(days=1), 7, 0) + timedelta(minutes=rng.randrange(120))
    page.last_edited_time = _capped(edited, latest)
    return page


def _weekly_page(
    store: NotionStore, weekly, rng: random.Random, monday: date, latest: datetime
) -> Page:
    iso_year, iso_week, _ = monday.isocalendar()
    created = _capped(_at(monday, 8, 0) + timedelta(minutes=rng.randrange(60)), latest)
    return store.add_page(
        weekly,
        {
            "Week": f"{iso_year}-W{iso_week:02d}",
            "Week of": (monday, monday + timedelta(days=6)),
        },
        at=created,
    )


def _finish_week(
    store: NotionStore,
    weekly,
    rng: random.Random,
    page: Page,
    days: list[Page],
    monday: date,
    anchor: date,
    latest: datetime,
) -> None:
    """Fill a week in at its end (Sunday evening); the current week is still in progress."""
    sunday = monday + timedelta(days=6)
    current = sunday >= anchor
    iso_year, iso_week, _ = monday.isocalendar()
    values = {
        "Weekly review": (not current) and rng.random() < 0.7,
        "Long run": rng.random() < 0.55,
        "Called family": rng.random() < 0.6,
        "Deep work hours": round(max(0.0, min(30.0, rng.gauss(14, 4))) * 2) / 2,
        "Energy": rng.choice(ENERGY[:2] if len(days) >= 6 else ENERGY[1:]),
        "Status": "In progress" if current or rng.random() < 0.12 else "Done",
        "URL": f"https://calendar.example.com/review/{iso_year}-W{iso_week:02d}"
        if rng.random() < 0.6
        else None,
    }
    weekly_source = store.data_sources[page.data_source_id]
    for name, value in values.items():
        page.values[weekly_source.find(name).id] = value
    finished = _at(min(sunday, anchor), 19, 0) + timedelta(minutes=rng.randrange(120))
    last_daily = max((p.last_edited_time for p in days), default=page.created_time)
    page.last_edited_time = _capped(max(finished, last_daily, page.created_time), latest)
