"""A short habits and contacts report, read from the dbt marts in a DuckDB warehouse.

The demo prints it after `dbt build`; it reads only the marts (habit_streaks,
habit_completion, contacts), so it shows exactly what the models say.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MARTS_SCHEMA = "analytics_marts"  # dbt's target schema `analytics` + the marts' `marts`
RECENT_WEEKS = 4
CATCH_UPS_SHOWN = 5

HABITS_SQL = """
with recent as (
    select
        habit_id,
        sum(periods_done) as done,
        sum(periods_logged) as logged,
        -- over the logged values, not an average of weekly averages (weeks with a
        -- missing day would weigh as much as full ones)
        sum(total_value) / sum(periods_logged) as average_value
    from {schema}.habit_completion
    where period_grain = 'week'
        and period_start > (select max(period_start) from {schema}.habit_completion
                            where period_grain = 'week') - {days}
    group by habit_id
)
select
    streaks.habit,
    streaks.cadence,
    streaks.habit_kind,
    recent.done,
    recent.logged,
    recent.average_value,
    streaks.current_streak,
    streaks.longest_streak,
    streaks.as_of_period_start
from {schema}.habit_streaks as streaks
left join recent on streaks.habit_id = recent.habit_id
order by streaks.cadence, streaks.habit_kind, streaks.habit
"""

PEOPLE_SQL = """
select
    count(*),
    count(*) filter (where match_rule in ('email', 'phone')),
    count(*) filter (where match_rule = 'email'),
    count(*) filter (where match_rule = 'phone'),
    count(*) filter (where needs_catch_up),
    max(as_of_date)
from {schema}.contacts
"""

CATCH_UPS_SQL = """
select full_name, company_name, days_since_last_contact, next_catch_up_on
from {schema}.contacts
where needs_catch_up
order by
    next_catch_up_on is null,
    next_catch_up_on,
    days_since_last_contact desc nulls last,
    relationship_strength desc nulls last,
    full_name
limit {limit}
"""


def _periods(cadence: str, count: int) -> str:
    unit = {"daily": "day", "weekly": "week"}.get(cadence, "period")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _habit_lines(rows: list[tuple]) -> list[str]:
    """One aligned line per habit: recent completion (or average amount) and streaks."""
    if not rows:
        return ["  (no habits logged yet)"]
    table = [("habit", "cadence", f"last {RECENT_WEEKS} weeks", "streak", "longest")]
    for habit, cadence, kind, done, logged, average, current, longest, _ in rows:
        if kind == "number":
            recent = f"avg {average:,.1f}" if average is not None else "-"
            table.append((habit, cadence, recent, "", ""))
        else:
            recent = f"{done / logged:.0%} ({done}/{logged})" if logged else "-"
            table.append(
                (habit, cadence, recent, _periods(cadence, current), _periods(cadence, longest))
            )
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    return [
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]


def _catch_up_line(name: str | None, company: str | None, days: int | None, planned) -> str:
    who = name or "(no name)"
    if company:
        who += f" ({company})"
    if planned is not None:
        why = f"catch-up planned for {planned:%Y-%m-%d}"
    elif days is None:
        why = "no call, email or meeting yet"
    else:
        why = f"last contact {days} days ago"
    return f"    - {who}: {why}"


def habits_and_contacts_report(duckdb_path: str | Path, schema: str = MARTS_SCHEMA) -> str:
    """Habit completion and streaks, then the contacts that need a catch-up."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        habits = connection.execute(
            HABITS_SQL.format(schema=schema, days=7 * RECENT_WEEKS)
        ).fetchall()
        people, matched, by_email, by_phone, due, as_of = connection.execute(
            PEOPLE_SQL.format(schema=schema)
        ).fetchone()
        catch_ups = connection.execute(
            CATCH_UPS_SQL.format(schema=schema, limit=CATCH_UPS_SHOWN)
        ).fetchall()

    as_of_period = max((r[8] for r in habits), default=None)
    lines = [
        "Habits" + (f" (logged up to {as_of_period:%Y-%m-%d})" if as_of_period else ""),
        *_habit_lines(habits),
        "",
        f"Contacts (as of {as_of:%Y-%m-%d})" if as_of else "Contacts",
        f"  {people} people; {matched} found in both HubSpot and Google "
        f"({by_email} by email, {by_phone} by phone)",
        f"  {due} need a catch-up" + (":" if catch_ups else ""),
        *(_catch_up_line(*row) for row in catch_ups),
    ]
    if due > len(catch_ups):
        lines.append(f"    ... and {due - len(catch_ups)} more")
    return "\n".join(lines)
