{#-
    One row per habit and period logged: the day (daily habits) or the week (weekly
    habits), whether the habit was done and the amount logged. The personal report's
    calendars read it; habit_completion and habit_streaks summarise the same rows.
-#}

with

habits as (
    select * from {{ ref('stg_notion__habits') }}
),

final as (
    select
        habit_period_id,
        habit_id,
        habit,
        cadence,
        habit_kind,
        period_start,
        is_done,
        habit_value
    from habits
)

select * from final
