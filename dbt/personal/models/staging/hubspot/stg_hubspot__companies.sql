with

source as (
    select * from {{ source('hubspot', 'companies') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as company_id,
        name as company_name,
        domain,
        industry,
        city,
        cast(numberofemployees as {{ dbt.type_int() }}) as employee_count,
        relationship_tier,
        created_at,
        updated_at
    from source
    where not is_deleted
)

select * from renamed
