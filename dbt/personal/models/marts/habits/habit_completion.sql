{#-
    How often each habit was done, per ISO week and per calendar month: of the periods
    logged in the week or month, how many were done (and, for measured habits, the
    amounts). A weekly habit belongs to the month its week starts in.
-#}

with

habits as (
    select * from {{ ref('stg_notion__habits') }}
),

by_period as (
    select
        habit_id, habit, cadence, habit_kind,
        'week' as period_grain,
        {{ iso_week_start('period_start') }} as period_start,
        is_done,
        habit_value
    from habits
    union all
    select
        habit_id, habit, cadence, habit_kind,
        'month' as period_grain,
        cast({{ dbt.date_trunc('month', 'period_start') }} as date) as period_start,
        is_done,
        habit_value
    from habits
),

aggregated as (
    select
        habit_id,
        habit,
        cadence,
        habit_kind,
        period_grain,
        period_start,
        count(*) as periods_logged,
        count(case when is_done then 1 end) as periods_done,
        sum(habit_value) as total_value,
        avg(habit_value) as average_value
    from by_period
    group by habit_id, habit, cadence, habit_kind, period_grain, period_start
),

final as (
    select
        {{ dbt.concat([
            "habit_id", "'.'", "period_grain", "'.'",
            "cast(period_start as " ~ dbt.type_string() ~ ")"
        ]) }} as habit_completion_id,
        habit_id,
        habit,
        cadence,
        habit_kind,
        period_grain,
        period_start,
        periods_logged,
        periods_done,
        cast(periods_done as {{ type_double() }}) / periods_logged as completion_rate,
        total_value,
        average_value
    from aggregated
)

select * from final
