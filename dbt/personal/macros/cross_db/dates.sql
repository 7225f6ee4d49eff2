{#- Monday of the ISO week a date falls in (BigQuery's plain `week` starts on Sunday). -#}
{% macro iso_week_start(date_expression) -%}
    {{ return(adapter.dispatch('iso_week_start', 'personal_reporting')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_week_start(date_expression) -%}
    cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}

{#- Day arithmetic (dayofweek: Sunday 1 .. Saturday 7) rather than date_trunc(d, isoweek):
    the same Monday on BigQuery, and the emulator reads it the same (docs/bigquery.md). -#}
{% macro bigquery__iso_week_start(date_expression) -%}
    date_sub({{ date_expression }}, interval mod(extract(dayofweek from {{ date_expression }}) + 5, 7) day)
{%- endmacro %}

{#-
    The calendar day a timestamp falls on where its owner lives: the `reporting_timezone`
    var (an IANA name such as Europe/Berlin), so a late call is not dated the next day.
-#}
{% macro local_date(timestamp_expression) -%}
    {{ return(adapter.dispatch('local_date', 'personal_reporting')(timestamp_expression)) }}
{%- endmacro %}

{% macro default__local_date(timestamp_expression) -%}
    cast(timezone('{{ var("reporting_timezone", "UTC") }}', {{ timestamp_expression }}) as date)
{%- endmacro %}

{% macro bigquery__local_date(timestamp_expression) -%}
    date({{ timestamp_expression }}, '{{ var("reporting_timezone", "UTC") }}')
{%- endmacro %}

{#- The day reports are computed for: the `as_of_date` var when set, else today (local). -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', '') -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        {{ local_date(dbt.current_timestamp()) }}
    {%- endif -%}
{%- endmacro %}
