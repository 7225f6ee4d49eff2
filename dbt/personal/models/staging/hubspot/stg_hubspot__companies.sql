{%- set present = raw_column_names(source('hubspot', 'companies')) -%}

with

source as (
    select * from {{ source('hubspot', 'companies') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as company_id,
        {{ hubspot_property(present, 'name') }} as company_name,
        {{ hubspot_property(present, 'domain') }} as domain,
        {{ hubspot_property(present, 'industry') }} as industry,
        {{ hubspot_property(present, 'city') }} as city,
        cast({{ hubspot_property(present, 'numberofemployees') }} as {{ dbt.type_int() }}) as employee_count,
        {{ hubspot_property(present, 'relationship_tier') }} as relationship_tier,
        created_at,
        updated_at
    from source
    where not is_deleted
)

select * from renamed
