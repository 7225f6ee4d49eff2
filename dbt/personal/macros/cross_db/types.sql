{#- A 64-bit float on every warehouse (type_double() is 32-bit `float` on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'personal_reporting')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}

{#- An instant with its time zone, as the loads write API timestamps: `timestamptz` on DuckDB
    (dbt's type_timestamp() is the zone-less `timestamp` there), `timestamp` on BigQuery. -#}
{% macro type_timestamp_tz() -%}
    {{ return(adapter.dispatch('type_timestamp_tz', 'personal_reporting')()) }}
{%- endmacro %}

{% macro default__type_timestamp_tz() -%}
    timestamp with time zone
{%- endmacro %}

{% macro bigquery__type_timestamp_tz() -%}
    timestamp
{%- endmacro %}
