with

source as (
    select * from {{ source('hubspot', 'contacts') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as contact_id,
        email,
        firstname as first_name,
        lastname as last_name,
        phone,
        company as company_name,
        jobtitle as job_title,
        lifecyclestage as lifecycle_stage,
        hs_lead_status as lead_status,
        relationship_strength,
        met_via,
        newsletter_opt_in as is_newsletter_opt_in,
        cast(next_catch_up as date) as next_catch_up_on,
        created_at,
        updated_at
    from source
    where not is_deleted
)

select * from renamed
