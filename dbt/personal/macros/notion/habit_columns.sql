{#-
    Which columns of a raw Notion habit table are habits, read from the table itself so a
    habit added in Notion shows up without touching the project: checkbox properties land
    as boolean columns (ticked habits), number properties as numeric columns (measured
    habits, such as hours). Columns named in `notion_non_habit_columns` and dlt's own
    columns are skipped. Returns {"checkbox": [...], "number": [...]}.

    The `notion_habit_columns` var ({table: {"checkbox": [...], "number": [...]}}) replaces
    the lookup for a table; unit tests use it, as dbt does not introspect fixtures.
-#}
{% macro notion_habit_columns(relation, table_name) %}
    {%- set overridden = var('notion_habit_columns', {}) -%}
    {%- if table_name in overridden -%}
        {{ return(overridden[table_name]) }}
    {%- endif -%}

    {%- set habits = {'checkbox': [], 'number': []} -%}
    {%- if not execute -%}
        {{ return(habits) }}
    {%- endif -%}

    {%- set skipped = var('notion_non_habit_columns', []) | map('lower') | list -%}
    {#- BigQuery: the columns a query of the table returns (a zero-byte dry read) rather than
        the table's metadata, which the emulator does not update on ALTER TABLE (docs/bigquery.md). -#}
    {%- if target.type == 'bigquery' -%}
        {%- set columns = adapter.get_column_schema_from_query('select * from ' ~ relation ~ ' where false') -%}
    {%- else -%}
        {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- endif -%}
    {%- for column in columns -%}
        {%- set name = column.name | lower -%}
        {%- set kind = habit_kind_of(column) -%}
        {%- if name not in skipped and not name.startswith('_dlt') and kind -%}
            {%- do habits[kind].append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(habits) }}
{% endmacro %}

{#- "checkbox" for boolean columns, "number" for numeric ones, none otherwise. -#}
{% macro habit_kind_of(column) %}
    {%- set data_type = column.dtype | lower -%}
    {%- if data_type in ('boolean', 'bool') -%}
        {{ return('checkbox') }}
    {%- elif column.is_number() or data_type in ('float64', 'float', 'int64', 'integer', 'numeric', 'bignumeric') -%}
        {{ return('number') }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}
