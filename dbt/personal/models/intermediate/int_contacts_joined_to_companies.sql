{#-
    The company each live HubSpot contact belongs to: its primary company association
    (type 1 from the contact's side, 2 from the company's), else any other company link
    (lowest type, then lowest id). A link may be stored from either side, so both
    directions are read.
-#}

with

associations as (
    select * from {{ ref('stg_hubspot__associations') }}
),

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

companies as (
    select * from {{ ref('stg_hubspot__companies') }}
),

contact_company_links as (
    select from_object_id as contact_id, to_object_id as company_id, association_type_id
    from associations
    where from_object_type = 'contacts' and to_object_type = 'companies'
    union all
    select to_object_id, from_object_id, association_type_id
    from associations
    where from_object_type = 'companies' and to_object_type = 'contacts'
),

ranked as (
    select
        contact_company_links.contact_id,
        contact_company_links.company_id,
        row_number() over (
            partition by contact_company_links.contact_id
            order by
                case when contact_company_links.association_type_id in (1, 2) then 0 else 1 end,
                contact_company_links.association_type_id,
                contact_company_links.company_id
        ) as company_rank
    from contact_company_links
    inner join contacts
        on contact_company_links.contact_id = contacts.contact_id
    inner join companies
        on contact_company_links.company_id = companies.company_id
),

final as (
    select contact_id, company_id
    from ranked
    where company_rank = 1
)

select * from final
