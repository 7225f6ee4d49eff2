{#-
    One row per habit: how it has gone overall, its longest streak and its current one.
    The current streak is the one still running at the latest period logged for the
    habit's cadence (0 when that period was missed or not done).
-#}

with

habits as (
    select * from {{ ref('stg_notion__habits') }}
),

streaks as (
    select * from {{ ref('int_habit_streaks_identified') }}
),

latest_period_by_cadence as (
    select cadence, max(period_start) as latest_period_start
    from habits
    group by cadence
),

habit_totals as (
    select
        habit_id,
        habit,
        cadence,
        habit_kind,
        min(period_start) as first_period_start,
        max(period_start) as last_period_start,
        count(*) as periods_logged,
        count(case when is_done then 1 end) as periods_done
    from habits
    group by habit_id, habit, cadence, habit_kind
),

longest_streaks as (
    select
        habit_id,
        streak_start,
        streak_end,
        streak_length,
        row_number() over (
            partition by habit_id order by streak_length desc, streak_end desc
        ) as length_rank
    from streaks
),

current_streaks as (
    select
        streaks.habit_id,
        streaks.streak_start,
        streaks.streak_length
    from streaks
    inner join latest_period_by_cadence
        on streaks.cadence = latest_period_by_cadence.cadence
        and streaks.streak_end = latest_period_by_cadence.latest_period_start
),

final as (
    select
        habit_totals.habit_id,
        habit_totals.habit,
        habit_totals.cadence,
        habit_totals.habit_kind,
        habit_totals.first_period_start,
        habit_totals.last_period_start,
        latest_period_by_cadence.latest_period_start as as_of_period_start,
        habit_totals.periods_logged,
        habit_totals.periods_done,
        cast(habit_totals.periods_done as {{ type_double() }})
            / habit_totals.periods_logged as completion_rate,
        coalesce(current_streaks.streak_length, 0) as current_streak,
        current_streaks.streak_start as current_streak_start,
        coalesce(longest_streaks.streak_length, 0) as longest_streak,
        longest_streaks.streak_start as longest_streak_start,
        longest_streaks.streak_end as longest_streak_end
    from habit_totals
    inner join latest_period_by_cadence
        on habit_totals.cadence = latest_period_by_cadence.cadence
    left join current_streaks
        on habit_totals.habit_id = current_streaks.habit_id
    left join longest_streaks
        on habit_totals.habit_id = longest_streaks.habit_id
        and longest_streaks.length_rank = 1
)

select * from final
