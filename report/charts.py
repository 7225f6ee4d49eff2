"""The report's charts: Vega-Lite specifications built with altair, one per picture.

Every chart fills the width of its container (`width="container"`), so the same page reads
on a phone and on a desktop; dates are ISO strings read as UTC days (no time-zone shift).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import altair as alt

DONE = "#216e39"  # GitHub's greens: done, and the measured habits' scale
NOT_DONE = "#ebedf0"
CONTACT_COLOURS = {"needs a catch-up": "#d1495b", "fine for now": "#8d99ae"}
DAY_ROWS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
# An axis of ISO week starts: name the month under its first week only.
MONTH_LABELS = (
    "toNumber(substring(datum.value, 8, 10)) <= 7 ? utcFormat(toDate(datum.value), '%b') : ''"
)


def _base(rows: list[dict[str, Any]]) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows))


def _fit(chart: alt.TopLevelMixin, height: int, **properties: Any) -> alt.TopLevelMixin:
    """As wide as the page (a phone's or a desktop's), `height` pixels high."""
    return chart.properties(width="container", height=height, autosize=FIT_WIDTH, **properties)


def _weeks(start: str, end: str) -> list[str]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [
        (first + timedelta(weeks=n)).isoformat()
        for n in range((last - first).days // 7 + 1)
        if first + timedelta(weeks=n) <= last
    ]


def habit_calendar(
    habit: str, kind: str, rows: list[dict[str, Any]], start: str, end: str, subtitle: str
) -> alt.Chart:
    """A GitHub-style year: one column per week, one row per weekday, a cell per day logged."""
    if kind == "number":
        colour = alt.Color(
            "habit_value:Q",
            title="amount",
            scale=alt.Scale(range=[NOT_DONE, DONE]),
            legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=120),
        )
    else:
        colour = alt.Color(
            "is_done:N",
            title="done",
            scale=alt.Scale(domain=[True, False], range=[DONE, NOT_DONE]),
            legend=alt.Legend(
                orient="bottom",
                direction="horizontal",
                labelExpr="datum.value ? 'done' : 'not done'",
            ),
        )
    chart = (
        _base(rows)
        .mark_rect(cornerRadius=2)
        .encode(
            x=alt.X(
                "week:O",
                title=None,
                scale=alt.Scale(domain=_weeks(start, end), paddingInner=0.15),
                axis=alt.Axis(labelExpr=MONTH_LABELS, labelAngle=0, ticks=False, domain=False),
            ),
            y=alt.Y(
                "weekday:O",
                title=None,
                scale=alt.Scale(domain=DAY_ROWS, paddingInner=0.15),
                axis=alt.Axis(
                    ticks=False,
                    domain=False,
                    labelExpr="indexof(['Mon','Wed','Fri'], datum.value) >= 0 ? datum.value : ''",
                ),
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("period_start:N", title="day"),
                alt.Tooltip("is_done:N", title="done"),
                *([alt.Tooltip("habit_value:Q", title="amount")] if kind == "number" else []),
            ],
        )
    )
    return _fit(chart, 7 * 14, title=alt.Title(habit, subtitle=subtitle, anchor="start"))


def weekly_habits(rows: list[dict[str, Any]], start: str, end: str) -> alt.Chart:
    """The weekly habits, one row each: a cell per week, done or not."""
    habits = sorted({row["habit"] for row in rows})
    chart = (
        _base(rows)
        .transform_calculate(done="datum.periods_done > 0")
        .mark_rect(cornerRadius=2)
        .encode(
            x=alt.X(
                "period_start:O",
                title=None,
                scale=alt.Scale(domain=_weeks(start, end), paddingInner=0.15),
                axis=alt.Axis(labelExpr=MONTH_LABELS, labelAngle=0, ticks=False, domain=False),
            ),
            y=alt.Y("habit:N", title=None, axis=alt.Axis(ticks=False, domain=False)),
            color=alt.Color(
                "done:N",
                title="done",
                scale=alt.Scale(domain=[True, False], range=[DONE, NOT_DONE]),
                legend=alt.Legend(orient="bottom", labelExpr="datum.value ? 'done' : 'not done'"),
            ),
            tooltip=[
                alt.Tooltip("habit:N"),
                alt.Tooltip("period_start:N", title="week of"),
                alt.Tooltip("done:N"),
            ],
        )
    )
    return _fit(chart, 22 * max(len(habits), 1))


def completion_trend(rows: list[dict[str, Any]]) -> alt.Chart:
    """Share of the days logged that were done per ISO week, one line per daily habit,
    smoothed over the last four weeks (the tooltip has the week's own figures)."""
    chart = (
        _base(rows)
        .transform_window(
            rolling="mean(completion_rate)",
            frame=[-3, 0],
            groupby=["habit"],
            sort=[{"field": "period_start"}],
        )
        .mark_line(
            strokeWidth=2, interpolate="monotone", point=alt.OverlayMarkDef(size=10, opacity=0)
        )
        .encode(
            x=alt.X(
                "period_start:T",
                title=None,
                scale=alt.Scale(type="utc"),
                axis=alt.Axis(format="%b", tickCount="month", labelAngle=0),
            ),
            y=alt.Y(
                "rolling:Q",
                title="days done (4-week average)",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("habit:N", title=None, legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=[
                alt.Tooltip("habit:N"),
                alt.Tooltip("period_start:N", title="week of"),
                alt.Tooltip("completion_rate:Q", title="done", format=".0%"),
                alt.Tooltip("periods_done:Q", title="days done"),
                alt.Tooltip("periods_logged:Q", title="days logged"),
            ],
        )
    )
    return _fit(chart, 240)


def streaks(rows: list[dict[str, Any]]) -> alt.Chart:
    """Current and longest streak per habit, in days (daily) or weeks (weekly)."""
    base = (
        _base(rows)
        .transform_calculate(
            label="datum.habit + (datum.cadence == 'daily' ? ' (days)' : ' (weeks)')"
        )
        .transform_fold(["current_streak", "longest_streak"], as_=["streak", "length"])
        .transform_calculate(streak="datum.streak == 'current_streak' ? 'current' : 'longest'")
    )
    y = alt.Y("label:N", title=None, sort=alt.SortField("label"))
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        y=y,
        yOffset=alt.YOffset("streak:N", sort=["current", "longest"]),
        x=alt.X("length:Q", title="consecutive periods done"),
        color=alt.Color(
            "streak:N",
            title=None,
            scale=alt.Scale(domain=["current", "longest"], range=[DONE, "#9be9a8"]),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("habit:N"),
            alt.Tooltip("cadence:N"),
            alt.Tooltip("streak:N"),
            alt.Tooltip("length:Q"),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10).encode(
        y=y,
        yOffset=alt.YOffset("streak:N", sort=["current", "longest"]),
        x=alt.X("length:Q"),
        text=alt.Text("length:Q"),
    )
    return _fit(bars + labels, 34 * max(len(rows), 1))


def cold_contacts(rows: list[dict[str, Any]]) -> alt.Chart:
    """The longest silences first: days since the last call, email or meeting."""
    base = _base(rows).transform_calculate(
        label="(datum.full_name || '(no name)') + (datum.company_name ? ' · ' + datum.company_name : '')",
        status="datum.needs_catch_up ? 'needs a catch-up' : 'fine for now'",
    )
    y = alt.Y(
        "label:N",
        title=None,
        sort=alt.EncodingSortField("days_since_last_contact", op="max", order="descending"),
        axis=alt.Axis(labelLimit=190),
    )
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        y=y,
        x=alt.X("days_since_last_contact:Q", title="days since last contact"),
        color=alt.Color(
            "status:N",
            title=None,
            scale=alt.Scale(domain=list(CONTACT_COLOURS), range=list(CONTACT_COLOURS.values())),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("full_name:N", title="name"),
            alt.Tooltip("company_name:N", title="company"),
            alt.Tooltip("days_since_last_contact:Q", title="days"),
            alt.Tooltip("last_contacted_on:N", title="last contact"),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10).encode(
        y=y, x=alt.X("days_since_last_contact:Q"), text=alt.Text("days_since_last_contact:Q")
    )
    return _fit(bars + labels, 20 * max(len(rows), 1))


def engagement_mix(rows: list[dict[str, Any]]) -> alt.Chart:
    """Engagements per month, stacked by type."""
    chart = (
        _base(rows)
        .mark_bar()
        .encode(
            x=alt.X(
                "month:O",
                title=None,
                axis=alt.Axis(
                    labelExpr="utcFormat(toDate(datum.value + '-01'), '%b')", labelAngle=0
                ),
            ),
            y=alt.Y("sum(engagements):Q", title="engagements"),
            color=alt.Color("engagement_type:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("month:N"),
                alt.Tooltip("engagement_type:N", title="type"),
                alt.Tooltip("engagements:Q"),
            ],
        )
    )
    return _fit(chart, 220)
