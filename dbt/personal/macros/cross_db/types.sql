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
