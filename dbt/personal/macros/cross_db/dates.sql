{#- Monday of the ISO week a date falls in (BigQuery's plain `week` starts on Sunday). -#}
{% macro iso_week_start(date_expression) -%}
    {{ return(adapter.dispatch('iso_week_start', 'personal_reporting')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_week_start(date_expression) -%}
    cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}

{% macro bigquery__iso_week_start(date_expression) -%}
    date_trunc({{ date_expression }}, isoweek)
{%- endmacro %}

{#- The day reports are computed for: the `as_of_date` var when set, else today. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', '') -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as date)
    {%- endif -%}
{%- endmacro %}
