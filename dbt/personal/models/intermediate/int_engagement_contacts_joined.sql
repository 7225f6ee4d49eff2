{#-
    One row per engagement and each live contact it is associated with, with the person
    (int_contacts_unified) behind the contact. Links stored from either side count once.
-#}
{%- set engagement_object_types = "('calls', 'emails', 'meetings', 'notes', 'tasks')" -%}

with

associations as (
    select * from {{ ref('stg_hubspot__associations') }}
),

engagements as (
    select * from {{ ref('stg_hubspot__engagements') }}
),

people as (
    select * from {{ ref('int_contacts_unified') }}
),

links as (
    select from_object_id as engagement_id, to_object_id as contact_id
    from associations
    where from_object_type in {{ engagement_object_types }}
        and to_object_type = 'contacts'
    union distinct
    select to_object_id, from_object_id
    from associations
    where from_object_type = 'contacts'
        and to_object_type in {{ engagement_object_types }}
),

final as (
    select
        {{ dbt.concat(["links.engagement_id", "'->'", "links.contact_id"]) }}
            as engagement_contact_id,
        links.engagement_id,
        links.contact_id,
        people.person_id,
        engagements.engagement_type,
        engagements.occurred_at
    from links
    inner join engagements
        on links.engagement_id = engagements.engagement_id
    inner join people
        on links.contact_id = people.hubspot_contact_id
)

select * from final
