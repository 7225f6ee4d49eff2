{#-
    One row per real person across HubSpot and Google Contacts. A HubSpot contact and a
    Google contact are the same person when they share a normalised email address or,
    failing that, a phone number. Each side is matched at most once: a pair is kept when
    each is the other's best candidate (email before phone, then the lowest id), so a
    duplicate entry stays a person of its own rather than merging two people.
    `match_rule` records how each row was formed: email, phone, hubspot_only, google_only.
-#}

with

identifiers as (
    select * from {{ ref('int_contact_identifiers_normalised') }}
),

hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

google_contacts as (
    select * from {{ ref('stg_google__contacts') }}
),

candidate_pairs as (
    select
        hubspot.source_contact_id as hubspot_contact_id,
        google.source_contact_id as google_contact_id,
        min(case when hubspot.identifier_type = 'email' then 1 else 2 end) as rule_rank
    from identifiers as hubspot
    inner join identifiers as google
        on hubspot.identifier_type = google.identifier_type
        and hubspot.identifier = google.identifier
    where hubspot.source_system = 'hubspot'
        and google.source_system = 'google'
    group by 1, 2
),

ranked_pairs as (
    select
        *,
        row_number() over (
            partition by hubspot_contact_id order by rule_rank, google_contact_id
        ) as rank_for_hubspot,
        row_number() over (
            partition by google_contact_id order by rule_rank, hubspot_contact_id
        ) as rank_for_google
    from candidate_pairs
),

matches as (
    select
        hubspot_contact_id,
        google_contact_id,
        case when rule_rank = 1 then 'email' else 'phone' end as match_rule
    from ranked_pairs
    where rank_for_hubspot = 1 and rank_for_google = 1
),

people as (
    select
        hubspot_contacts.contact_id as hubspot_contact_id,
        matches.google_contact_id,
        coalesce(matches.match_rule, 'hubspot_only') as match_rule
    from hubspot_contacts
    left join matches
        on hubspot_contacts.contact_id = matches.hubspot_contact_id
    union all
    select
        cast(null as {{ dbt.type_string() }}) as hubspot_contact_id,
        google_contacts.google_contact_id,
        'google_only' as match_rule
    from google_contacts
    where google_contacts.google_contact_id not in (
        select google_contact_id from matches
    )
),

final as (
    select
        case
            when people.hubspot_contact_id is not null
                then {{ dbt.concat(["'hubspot:'", "people.hubspot_contact_id"]) }}
            else {{ dbt.concat(["'google:'", "people.google_contact_id"]) }}
        end as person_id,
        people.match_rule,
        people.hubspot_contact_id,
        people.google_contact_id,
        {#- The CRM's name wins, as every other field does, so full_name agrees with
            first_name and last_name; Google's display name fills in for the rest. #}
        coalesce(
            nullif(trim({{ dbt.concat([
                "coalesce(hubspot_contacts.first_name, '')", "' '",
                "coalesce(hubspot_contacts.last_name, '')"
            ]) }}), ''),
            google_contacts.full_name
        ) as full_name,
        coalesce(hubspot_contacts.first_name, google_contacts.first_name) as first_name,
        coalesce(hubspot_contacts.last_name, google_contacts.last_name) as last_name,
        coalesce(hubspot_contacts.email, google_contacts.primary_email) as email,
        hubspot_contacts.phone,
        coalesce(hubspot_contacts.company_name, google_contacts.company_name) as company_name,
        coalesce(hubspot_contacts.job_title, google_contacts.job_title) as job_title,
        hubspot_contacts.lifecycle_stage,
        hubspot_contacts.relationship_strength,
        hubspot_contacts.met_via,
        hubspot_contacts.next_catch_up_on,
        google_contacts.birthday,
        google_contacts.birthday_month,
        google_contacts.birthday_day
    from people
    left join hubspot_contacts
        on people.hubspot_contact_id = hubspot_contacts.contact_id
    left join google_contacts
        on people.google_contact_id = google_contacts.google_contact_id
)

select * from final
