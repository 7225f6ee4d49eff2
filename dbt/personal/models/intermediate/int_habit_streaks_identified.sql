{#-
    One row per streak: a run of consecutive periods in which a habit was done. A period
    without a logged page breaks a streak like an unticked one does. Periods are numbered
    so that consecutive ones differ by one (days, weeks or months since a fixed Monday);
    within a run, period number minus row number is constant.
-#}

with

habits as (
    select * from {{ ref('stg_notion__habits') }}
),

numbered as (
    select
        habit_id,
        habit,
        cadence,
        period_start,
        {{ period_number('cadence', 'period_start') }} as period_number
    from habits
    where is_done
),

runs as (
    select
        *,
        period_number - row_number() over (
            partition by habit_id order by period_number
        ) as run_key
    from numbered
),

streaks as (
    select
        habit_id,
        habit,
        cadence,
        min(period_start) as streak_start,
        max(period_start) as streak_end,
        count(*) as streak_length
    from runs
    group by habit_id, habit, cadence, run_key
),

final as (
    select
        {{ dbt.concat(["habit_id", "'.'", "cast(streak_start as " ~ dbt.type_string() ~ ")"]) }}
            as habit_streak_id,
        *
    from streaks
)

select * from final
