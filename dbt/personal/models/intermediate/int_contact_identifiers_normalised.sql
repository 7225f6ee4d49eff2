{#-
    Every email address and phone number of every contact, from both sources (for Google
    phones both the number as typed and Google's canonical form), in one
    comparable form: emails lower-cased without spaces, phones as their last
    `phone_match_digits` digits (so "+1 555-010-0100" and "(555) 010 0100" agree).
-#}
{%- set phone_digits = var('phone_match_digits') -%}

with

hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

google_contacts as (
    select * from {{ ref('stg_google__contacts') }}
),

google_emails as (
    select
        google_contacts.google_contact_id,
        coalesce(
            {{ json_text('email_item', '$.value') }},
            {{ json_text('email_item', '$') }}
        ) as email
    from google_contacts
    {{ json_array_elements_join('google_contacts.emails', 'email_item') }}
),

google_phones as (
    select
        google_contacts.google_contact_id,
        coalesce(
            {{ json_text('phone_item', '$.value') }},
            {{ json_text('phone_item', '$') }}
        ) as phone,
        {{ json_text('phone_item', '$.canonical_form') }} as canonical_phone
    from google_contacts
    {{ json_array_elements_join('google_contacts.phone_numbers', 'phone_item') }}
),

raw_identifiers as (
    select 'hubspot' as source_system, contact_id as source_contact_id,
        'email' as identifier_type, email as raw_identifier
    from hubspot_contacts
    union all
    select 'hubspot', contact_id, 'phone', phone
    from hubspot_contacts
    union all
    select 'google', google_contact_id, 'email', primary_email
    from google_contacts
    union all
    select 'google', google_contact_id, 'email', email
    from google_emails
    union all
    select 'google', google_contact_id, 'phone', phone
    from google_phones
    union all
    select 'google', google_contact_id, 'phone', canonical_phone
    from google_phones
),

normalised as (
    select
        source_system,
        source_contact_id,
        identifier_type,
        case
            when identifier_type = 'email'
                then replace(lower(raw_identifier), ' ', '')
            else {{ digits_only('raw_identifier') }}
        end as identifier
    from raw_identifiers
    where raw_identifier is not null
),

usable as (
    select distinct
        source_system,
        source_contact_id,
        identifier_type,
        case
            when identifier_type = 'phone' then {{ dbt.right('identifier', phone_digits) }}
            else identifier
        end as identifier
    from normalised
    where (identifier_type = 'email' and identifier like '%_@_%')
        or (identifier_type = 'phone' and {{ dbt.length('identifier') }} >= {{ phone_digits }})
),

final as (
    select
        {{ dbt.concat([
            "source_system", "':'", "source_contact_id", "':'",
            "identifier_type", "':'", "identifier"
        ]) }} as contact_identifier_id,
        source_system,
        source_contact_id,
        identifier_type,
        identifier
    from usable
)

select * from final
