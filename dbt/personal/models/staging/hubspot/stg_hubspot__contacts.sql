{%- set present = raw_column_names(source('hubspot', 'contacts')) -%}

with

source as (
    select * from {{ source('hubspot', 'contacts') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as contact_id,
        {{ hubspot_property(present, 'email') }} as email,
        {{ hubspot_property(present, 'firstname') }} as first_name,
        {{ hubspot_property(present, 'lastname') }} as last_name,
        {{ hubspot_property(present, 'phone') }} as phone,
        {{ hubspot_property(present, 'company') }} as company_name,
        {{ hubspot_property(present, 'jobtitle') }} as job_title,
        {{ hubspot_property(present, 'lifecyclestage') }} as lifecycle_stage,
        {{ hubspot_property(present, 'hs_lead_status') }} as lead_status,
        {{ hubspot_property(present, 'relationship_strength') }} as relationship_strength,
        {{ hubspot_property(present, 'met_via') }} as met_via,
        {{ hubspot_property(present, 'newsletter_opt_in', dbt.type_boolean()) }} as is_newsletter_opt_in,
        cast({{ hubspot_property(present, 'next_catch_up') }} as date) as next_catch_up_on,
        created_at,
        updated_at
    from source
    where not is_deleted
)

select * from renamed
