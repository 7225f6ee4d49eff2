{#-
    Every habit of every Notion habit table in one long model: one row per tracked period
    and habit. The tables and their cadence come from the `notion_habit_tables` var; the
    habits themselves from each raw table's columns (see macros/notion).
-#}
{%- set habit_tables = var('notion_habit_tables') -%}

with

{% for table_name, table in habit_tables.items() %}
{{ table_name }} as (
    {%- set relation = source('notion', table_name) %}
    {{ unpivot_notion_habits(
        relation,
        table.cadence,
        table.period_column,
        notion_habit_columns(relation, table_name)
    ) }}
),
{% endfor %}

unioned as (
    {%- for table_name in habit_tables %}
    select * from {{ table_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

deduplicated as (
    {#- Two pages for the same period: the one edited last wins. #}
    select
        *,
        row_number() over (
            partition by cadence, habit, period_start
            order by page_edited_at desc, page_id
        ) as page_rank
    from unioned
),

final as (
    select
        {{ dbt.concat(["cadence", "'.'", "habit", "'.'", "cast(period_start as " ~ dbt.type_string() ~ ")"]) }}
            as habit_period_id,
        {{ dbt.concat(["cadence", "'.'", "habit"]) }} as habit_id,
        habit,
        cadence,
        habit_kind,
        period_start,
        is_done,
        habit_value,
        page_id,
        page_edited_at
    from deduplicated
    where page_rank = 1
)

select * from final
