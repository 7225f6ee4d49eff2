{#- JSON access with one name on every warehouse (dbt ships no cross-database JSON macros). -#}

{#- `cross join` every element of a JSON array column as `alias` (no rows for null or []). -#}
{% macro json_array_elements_join(json_column, alias) -%}
    {{ return(adapter.dispatch('json_array_elements_join', 'personal_reporting')(json_column, alias)) }}
{%- endmacro %}

{% macro default__json_array_elements_join(json_column, alias) -%}
    cross join unnest(cast(json_extract({{ json_column }}, '$[*]') as json[])) as _{{ alias }}({{ alias }})
{%- endmacro %}

{% macro bigquery__json_array_elements_join(json_column, alias) -%}
    cross join unnest(json_query_array({{ json_column }})) as {{ alias }}
{%- endmacro %}

{#-
    The scalar at `path` as text: null when the path is missing, JSON null, an object or an
    array (BigQuery's json_value; DuckDB's json_extract_string alone would return the
    JSON text of an object or array).
-#}
{% macro json_text(json_expression, path) -%}
    {{ return(adapter.dispatch('json_text', 'personal_reporting')(json_expression, path)) }}
{%- endmacro %}

{% macro default__json_text(json_expression, path) -%}
    case
        when json_type({{ json_expression }}, '{{ path }}') not in ('OBJECT', 'ARRAY')
            then json_extract_string({{ json_expression }}, '{{ path }}')
    end
{%- endmacro %}

{% macro bigquery__json_text(json_expression, path) -%}
    json_value({{ json_expression }}, '{{ path }}')
{%- endmacro %}
