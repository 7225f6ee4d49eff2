"""The demo's day in Notion: the edits a person makes to the habit trackers."""

from __future__ import annotations

from datetime import date, timedelta

from .sample import DAILY, WEEKLY
from .store import NotionStore


def demo_changes(store: NotionStore) -> list[str]:
    """What a person does in Notion during a day; returns a line per change."""
    daily = store.data_source(DAILY)
    weekly = store.data_source(WEEKLY)
    pages = store.pages_of(daily)
    today, yesterday, old = pages[-1], pages[-2], pages[-30]
    title = daily.title_property().id
    date_id = daily.find("Date").id
    logged = {p.values[date_id]["start"] for p in pages if p.values[date_id]}
    first = date.fromisoformat(min(logged))
    missing = max(
        day
        for day in (first + timedelta(days=n) for n in range(len(logged) + 10))
        if day.isoformat() not in logged and day.isoformat() < max(logged)
    )
    store.edit_page(today.id, {"Workout": True, "Steps": 11250})
    store.edit_page(yesterday.id, {"Notes": "Went to bed early, felt great."})
    store.trash_page(old.id)
    store.rename_property(daily, "Read 30 min", "Read 30 minutes")
    backfilled = store.add_page(
        daily,
        {
            "Day": f"{missing:%a} {missing.isoformat()}",
            "Date": missing.isoformat(),
            "Meditated": True,
            "Sleep hours": 7.5,
            "Mood": "Good",
        },
    )
    this_week = store.pages_of(weekly)[-1]
    store.edit_page(this_week.id, {"Long run": True, "Deep work hours": 16.5})
    return [
        f"ticked Workout and logged 11,250 steps on '{today.values[title]}' (Daily Habits)",
        f"added a note to '{yesterday.values[title]}'",
        f"moved '{old.values[title]}' to the trash",
        "renamed the property 'Read 30 min' to 'Read 30 minutes' (its column stays read_30_min)",
        f"logged the forgotten day '{backfilled.values[title]}'",
        f"ticked Long run on this week's page '{this_week.values['title']}' (Weekly Habits)",
    ]
