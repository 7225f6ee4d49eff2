{#-
    One row per HubSpot engagement (call, email, meeting, note, task) with the contact and
    person it was with and the company it belongs to. An engagement with several contacts
    is attributed to the lowest contact id (`contact_count` says how many there were); its
    company is the one it is linked to, else that contact's company.
-#}

with

engagements as (
    select * from {{ ref('stg_hubspot__engagements') }}
),

engagement_contacts as (
    select * from {{ ref('int_engagement_contacts_joined') }}
),

associations as (
    select * from {{ ref('stg_hubspot__associations') }}
),

companies as (
    select * from {{ ref('stg_hubspot__companies') }}
),

contact_companies as (
    select * from {{ ref('int_contacts_joined_to_companies') }}
),

first_contacts as (
    select
        engagement_id,
        contact_id,
        person_id,
        count(*) over (partition by engagement_id) as contact_count,
        row_number() over (partition by engagement_id order by contact_id) as contact_rank
    from engagement_contacts
),

engagement_company_links as (
    select from_object_id as engagement_id, to_object_id as company_id
    from associations
    where from_object_type in ('calls', 'emails', 'meetings', 'notes', 'tasks')
        and to_object_type = 'companies'
    union all
    select to_object_id, from_object_id
    from associations
    where from_object_type = 'companies'
        and to_object_type in ('calls', 'emails', 'meetings', 'notes', 'tasks')
),

engagement_companies as (
    select
        engagement_company_links.engagement_id,
        engagement_company_links.company_id,
        row_number() over (
            partition by engagement_company_links.engagement_id
            order by engagement_company_links.company_id
        ) as company_rank
    from engagement_company_links
    inner join companies
        on engagement_company_links.company_id = companies.company_id
),

final as (
    select
        engagements.engagement_id,
        engagements.engagement_type,
        engagements.occurred_at,
        {{ local_date('engagements.occurred_at') }} as occurred_on,
        engagements.title,
        engagements.direction,
        engagements.call_duration_seconds,
        engagements.meeting_starts_at,
        engagements.meeting_ends_at,
        engagements.task_status,
        engagements.task_priority,
        first_contacts.contact_id,
        first_contacts.person_id,
        coalesce(first_contacts.contact_count, 0) as contact_count,
        coalesce(engagement_companies.company_id, contact_companies.company_id) as company_id,
        companies.company_name
    from engagements
    left join first_contacts
        on engagements.engagement_id = first_contacts.engagement_id
        and first_contacts.contact_rank = 1
    left join engagement_companies
        on engagements.engagement_id = engagement_companies.engagement_id
        and engagement_companies.company_rank = 1
    left join contact_companies
        on first_contacts.contact_id = contact_companies.contact_id
    left join companies
        on coalesce(engagement_companies.company_id, contact_companies.company_id)
            = companies.company_id
)

select * from final
