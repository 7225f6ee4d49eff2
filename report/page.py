"""The report page: headings, notes and the charts, in one HTML file that needs no network.

Each chart's Vega-Lite specification, its data included, sits in the page as a JSON script
element (`<script type="application/json" data-chart=...>`); vega-embed draws them. The
Vega, Vega-Lite and vega-embed JavaScript is inlined from the bundle vl-convert ships
(the one altair's own offline HTML uses), at the Vega-Lite version altair writes.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from html import escape
from typing import Any

import altair as alt

from . import charts
from .marts import COLD_CONTACTS_SHOWN, ENGAGEMENT_MONTHS_SHOWN, MARTS, ReportData

TITLE = "Personal report"
STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #1f2328; background: #fff; line-height: 1.45; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.25rem; border-bottom: 1px solid #d0d7de;
  padding-bottom: 0.25rem; }
p { margin: 0.25rem 0 0.75rem; }
.meta, .note { color: #59636e; font-size: 0.9rem; }
.empty { background: #fff8c5; border: 1px solid #d4a72c66; border-radius: 6px;
  padding: 0.75rem 1rem; }
.chart { width: 100%; margin: 0.5rem 0 1.25rem; }
"""
# Draws every chart; `window.reportReady` settles when all are drawn (a failure is logged).
EMBED = """
window.reportReady = Promise.all(Array.from(
  document.querySelectorAll("script[data-chart]"),
  (element) => vegaEmbed("#" + element.dataset.chart, JSON.parse(element.textContent),
                         {actions: false, renderer: "svg"})
));
window.reportReady.catch((error) => console.error("chart failed:", error));
"""


@cache
def javascript_bundle() -> str:
    """vega-embed, Vega-Lite (the version altair targets) and Vega, as one inline script."""
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    bundle = vl_convert.javascript_bundle(vl_version=version)
    if "</script" in bundle.lower():  # would end the inline script element early
        raise ValueError("the JavaScript bundle cannot be inlined in a script element")
    return bundle


def _json_script(chart_id: str, chart: alt.TopLevelMixin) -> str:
    spec = json.dumps(chart.to_dict(), separators=(",", ":"), sort_keys=True)
    spec = spec.replace("</", "<\\/")  # still valid JSON; never ends the script element
    return (
        f'<div class="chart" id="{chart_id}"></div>\n'
        f'<script type="application/json" data-chart="{chart_id}">{spec}</script>'
    )


def _p(text: str, css: str = "") -> str:
    return f'<p class="{css}">{escape(text)}</p>' if css else f"<p>{escape(text)}</p>"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _streak_line(streak: dict[str, Any]) -> str:
    unit = "day" if streak["cadence"] == "daily" else "week"
    return (
        f"done {streak['periods_done']:,} of {_plural(streak['periods_logged'], unit)} logged"
        f" · current streak {streak['current_streak']:,} · longest {streak['longest_streak']:,}"
    )


def _habits(data: ReportData) -> list[str]:
    parts = ["<h2>Habits</h2>"]
    if not data.streaks:
        return [*parts, _p("No habits logged yet.", "empty")]
    parts.append(
        _p(
            f"The last year of pages, up to {data.habits_as_of}: a cell per day (daily habits) "
            "or per week (weekly habits). Measured habits are shaded by the amount logged.",
            "note",
        )
    )
    end = data.habits_as_of
    by_habit = {(s["cadence"], s["habit"]): s for s in data.streaks}
    daily = [s for s in data.streaks if s["cadence"] == "daily"]
    for n, streak in enumerate(daily):
        rows = [r for r in data.habit_days if r["habit"] == streak["habit"]]
        chart = charts.habit_calendar(
            streak["habit"],
            streak["habit_kind"],
            rows,
            data.calendar_start,
            end,
            _streak_line(streak),
        )
        parts.append(_json_script(f"calendar-{n}", chart))
    weekly = [r for r in data.weekly_completion if r["cadence"] == "weekly"]
    if weekly:
        parts.append("<h2>Weekly habits</h2>")
        parts.extend(
            _p(f"{habit}: {_streak_line(by_habit[('weekly', habit)])}", "note")
            for habit in sorted({r["habit"] for r in weekly})
        )
        parts.append(
            _json_script("weekly-habits", charts.weekly_habits(weekly, data.calendar_start, end))
        )
    trend = [
        r
        for r in data.weekly_completion
        if r["cadence"] == "daily" and r["habit_kind"] == "checkbox"
    ]
    if trend:
        parts.append("<h2>Completion per week</h2>")
        parts.append(
            _p(
                "Of the days logged in each ISO week (Monday to Sunday), the share ticked, "
                "averaged over four weeks. Measured habits count as done whenever an amount "
                "is logged: their amounts are in the calendars above.",
                "note",
            )
        )
        parts.append(_json_script("completion-trend", charts.completion_trend(trend)))
    parts.append("<h2>Streaks</h2>")
    parts.append(
        _p(
            "Consecutive periods done: the current streak runs up to the latest period logged "
            "(a period without a page breaks it).",
            "note",
        )
    )
    parts.append(_json_script("streaks", charts.streaks(data.streaks)))
    return parts


def _contacts(data: ReportData) -> list[str]:
    parts = ["<h2>Contacts going cold</h2>"]
    if not data.people:
        return [*parts, _p("No contacts yet.", "empty")]
    parts.append(
        _p(
            f"{data.people:,} {'person' if data.people == 1 else 'people'} "
            f"as of {data.contacts_as_of}; "
            f"{_plural(data.never_contacted, 'CRM contact')} never called, emailed or met. "
            f"The {COLD_CONTACTS_SHOWN} longest silences since a call, email or meeting "
            "(notes and tasks do not count as contact):",
            "note",
        )
    )
    if data.cold_contacts:
        parts.append(_json_script("cold-contacts", charts.cold_contacts(data.cold_contacts)))
    else:
        parts.append(_p("Nobody has been called, emailed or met yet.", "empty"))
    return parts


def _engagements(data: ReportData) -> list[str]:
    parts = ["<h2>Engagement mix</h2>"]
    if not data.engagement_mix:
        return [*parts, _p("No engagements yet.", "empty")]
    total = sum(r["engagements"] for r in data.engagement_mix)
    parts.append(
        _p(
            f"{_plural(total, 'engagement')} in the last {ENGAGEMENT_MONTHS_SHOWN} months "
            "with any, by type and month.",
            "note",
        )
    )
    parts.append(_json_script("engagement-mix", charts.engagement_mix(data.engagement_mix)))
    return parts


def render_page(data: ReportData, generated_on: date | None = None) -> str:
    """The whole HTML document."""
    generated_on = generated_on or date.today()
    body = [f"<h1>{TITLE}</h1>", _p(f"From the {data.warehouse}, written {generated_on}.", "meta")]
    if len(data.missing) == len(MARTS):
        body.append(
            _p(
                f"No marts in the {data.warehouse} yet: load the sources and run dbt build "
                "(script/demo builds a sample warehouse), then write the report again.",
                "empty",
            )
        )
    else:
        if data.missing:
            body.append(_p(f"Marts not built yet: {', '.join(data.missing)}.", "empty"))
        body += _habits(data) + _contacts(data) + _engagements(data)
    has_charts = any("data-chart" in part for part in body)
    scripts = (
        f"<script>{javascript_bundle()}</script>\n<script>{EMBED}</script>"
        if has_charts
        else "<script>window.reportReady = Promise.resolve([]);</script>"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
{chr(10).join(body)}
</main>
{scripts}
</body>
</html>
"""
