{#- The digits of a text, everything else removed ("+1 (555) 010-0100" -> "15550100100"). -#}
{% macro digits_only(expression) -%}
    {{ return(adapter.dispatch('digits_only', 'personal_reporting')(expression)) }}
{%- endmacro %}

{% macro default__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro bigquery__digits_only(expression) -%}
    regexp_replace({{ expression }}, r'[^0-9]', '')
{%- endmacro %}
