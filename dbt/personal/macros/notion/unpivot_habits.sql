{#-
    One row per page and habit of one raw habit table: the long shape every habit model
    reads. Deleted pages, pages without a period date and habits the page has no value
    for (a property added after the page was loaded) are left out. A measured habit
    counts as done when a positive amount is logged.
-#}
{% macro unpivot_notion_habits(relation, cadence, period_column, habits) %}
    {%- set period = adapter.quote(period_column) -%}
    {%- set selects = [] -%}
    {%- for kind in ('checkbox', 'number') -%}
        {%- for column_name in habits.get(kind, []) -%}
            {%- set column = adapter.quote(column_name) -%}
            {%- set habit_select -%}
    select
        cast(id as {{ dbt.type_string() }}) as page_id,
        last_edited_time as page_edited_at,
        '{{ cadence }}' as cadence,
        cast({{ period }} as date) as period_start,
        '{{ column_name | lower }}' as habit,
        '{{ kind }}' as habit_kind,
        {%- if kind == 'checkbox' %}
        {{ column }} as is_done,
        cast(null as {{ type_double() }}) as habit_value
        {%- else %}
        {{ column }} > 0 as is_done,
        cast({{ column }} as {{ type_double() }}) as habit_value
        {%- endif %}
    from {{ relation }}
    where not is_deleted
        and {{ period }} is not null
        and {{ column }} is not null
            {%- endset -%}
            {%- do selects.append(habit_select) -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- if selects -%}
        {{ selects | join('\n    union all\n') }}
    {%- else %}
    {#- A table without habit columns yet: the same columns, no rows. #}
    select
        cast(id as {{ dbt.type_string() }}) as page_id,
        last_edited_time as page_edited_at,
        cast(null as {{ dbt.type_string() }}) as cadence,
        cast(null as date) as period_start,
        cast(null as {{ dbt.type_string() }}) as habit,
        cast(null as {{ dbt.type_string() }}) as habit_kind,
        cast(null as {{ dbt.type_boolean() }}) as is_done,
        cast(null as {{ type_double() }}) as habit_value
    from {{ relation }}
    where 1 = 0
    {%- endif %}
{% endmacro %}
