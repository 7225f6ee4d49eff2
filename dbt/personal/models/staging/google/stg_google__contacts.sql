with

source as (
    select * from {{ source('google', 'contacts') }}
),

renamed as (
    select
        cast(resource_name as {{ dbt.type_string() }}) as google_contact_id,
        display_name as full_name,
        given_name as first_name,
        family_name as last_name,
        primary_email,
        emails,
        phone_numbers,
        organization as company_name,
        job_title,
        birthday,
        cast(birthday_month as {{ dbt.type_int() }}) as birthday_month,
        cast(birthday_day as {{ dbt.type_int() }}) as birthday_day,
        updated_at
    from source
    where not is_deleted
)

select * from renamed
