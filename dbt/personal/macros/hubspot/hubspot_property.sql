{#-
    HubSpot properties are not contracted raw columns (the raw table gets one column per
    property, when a record first carries a value for it): a portal that never filled a
    property, or a warehouse whose HubSpot load has not run yet, has no such column. The
    staging models read each property through `hubspot_property`, which gives a typed null
    for a missing column instead of failing the build; the contracted columns (id, flags,
    timestamps) are read directly, so a drift there still fails loudly.
-#}

{#- Lower-cased column names of a raw table, once per model. The `raw_column_names` var
    ({"raw_hubspot.contacts": [...], ...}) replaces the lookup for a table: compiling for a
    warehouse that cannot be reached (tests) then needs no connection. -#}
{% macro raw_column_names(relation) %}
    {%- set overridden = var('raw_column_names', {}) -%}
    {%- set key = relation.schema ~ '.' ~ relation.identifier -%}
    {%- if key in overridden -%}
        {{ return(overridden[key] | map('lower') | list) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {#- BigQuery: the columns a query returns (zero-byte dry read), not the table's metadata,
        which the emulator does not update on ALTER TABLE (docs/bigquery.md). -#}
    {%- if target.type == 'bigquery' -%}
        {%- set columns = adapter.get_column_schema_from_query('select * from ' ~ relation ~ ' where false') -%}
    {%- else -%}
        {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- endif -%}
    {{ return(columns | map(attribute='name') | map('lower') | list) }}
{% endmacro %}

{#- The property's column when the table has it, else `cast(null as data_type)`. -#}
{% macro hubspot_property(present, name, data_type=none) %}
    {%- if not execute or name | lower in present -%}
        {{ name }}
    {%- else -%}
        cast(null as {{ data_type or dbt.type_string() }})
    {%- endif -%}
{% endmacro %}
