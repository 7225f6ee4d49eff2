{#-
    Consecutive periods of a cadence get consecutive numbers: days, weeks or months since
    Monday 2000-01-03. Weekly periods may start on any weekday, seven days apart.
-#}
{% macro period_number(cadence_column, date_column) -%}
    {%- set epoch = "cast('2000-01-03' as date)" -%}
    {%- set days = dbt.datediff(epoch, date_column, 'day') -%}
    case {{ cadence_column }}
        when 'weekly' then cast(floor(({{ days }}) / 7) as {{ dbt.type_int() }})
        when 'monthly' then {{ dbt.datediff(epoch, date_column, 'month') }}
        else {{ days }}
    end
{%- endmacro %}
