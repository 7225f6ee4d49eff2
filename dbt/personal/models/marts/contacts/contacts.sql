{#-
    One row per person (HubSpot and Google Contacts unified), with the company they
    belong to and how the relationship is kept up: engagements by type, the last one,
    days since the last real contact (a call, email or meeting) and whether a catch-up
    is due. Engagements are dated in `reporting_timezone`; days are counted to
    `as_of_date` (today there unless the var is set).
-#}

with

people as (
    select * from {{ ref('int_contacts_unified') }}
),

contact_companies as (
    select * from {{ ref('int_contacts_joined_to_companies') }}
),

companies as (
    select * from {{ ref('stg_hubspot__companies') }}
),

engagement_contacts as (
    select * from {{ ref('int_engagement_contacts_joined') }}
),

as_of as (
    select {{ as_of_date() }} as as_of_date
),

person_engagements as (
    {#- A person linked to one engagement through two of their contacts counts it once. #}
    select distinct
        engagement_contacts.person_id,
        engagement_contacts.engagement_id,
        engagement_contacts.engagement_type,
        engagement_contacts.occurred_at,
        {{ local_date('engagement_contacts.occurred_at') }} as occurred_on
    from engagement_contacts
    cross join as_of
    where {{ local_date('engagement_contacts.occurred_at') }} <= as_of.as_of_date
),

engagement_summary as (
    select
        person_id,
        count(*) as engagement_count,
        {%- for engagement_type in ['call', 'email', 'meeting', 'note', 'task'] %}
        count(case when engagement_type = '{{ engagement_type }}' then 1 end)
            as {{ engagement_type }}_count,
        {%- endfor %}
        min(occurred_at) as first_engagement_at,
        max(occurred_at) as last_engagement_at,
        max(occurred_on) as last_engagement_on,
        max(case when engagement_type in ('call', 'email', 'meeting') then occurred_on end)
            as last_contacted_on
    from person_engagements
    group by person_id
),

final as (
    select
        people.person_id,
        people.full_name,
        people.email,
        people.phone,
        people.job_title,
        contact_companies.company_id,
        coalesce(companies.company_name, people.company_name) as company_name,
        people.match_rule,
        people.hubspot_contact_id,
        people.google_contact_id,
        people.lifecycle_stage,
        people.relationship_strength,
        people.met_via,
        people.next_catch_up_on,
        people.birthday,
        people.birthday_month,
        people.birthday_day,
        coalesce(engagement_summary.engagement_count, 0) as engagement_count,
        {%- for engagement_type in ['call', 'email', 'meeting', 'note', 'task'] %}
        coalesce(engagement_summary.{{ engagement_type }}_count, 0) as {{ engagement_type }}_count,
        {%- endfor %}
        engagement_summary.first_engagement_at,
        engagement_summary.last_engagement_at,
        engagement_summary.last_engagement_on,
        engagement_summary.last_contacted_on,
        {{ dbt.datediff('engagement_summary.last_contacted_on', 'as_of.as_of_date', 'day') }}
            as days_since_last_contact,
        case
            when people.hubspot_contact_id is null then false
            when people.next_catch_up_on is not null
                then people.next_catch_up_on <= as_of.as_of_date
            else coalesce(
                {{ dbt.datediff('engagement_summary.last_contacted_on', 'as_of.as_of_date', 'day') }},
                {{ var('catch_up_after_days') }} + 1
            ) > {{ var('catch_up_after_days') }}
        end as needs_catch_up,
        as_of.as_of_date
    from people
    cross join as_of
    left join contact_companies
        on people.hubspot_contact_id = contact_companies.contact_id
    left join companies
        on contact_companies.company_id = companies.company_id
    left join engagement_summary
        on people.person_id = engagement_summary.person_id
)

select * from final
