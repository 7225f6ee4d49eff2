{%- set present = raw_column_names(source('hubspot', 'engagements')) -%}

with

source as (
    select * from {{ source('hubspot', 'engagements') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as engagement_id,
        engagement_type,
        {{ hubspot_property(present, 'hs_timestamp', type_timestamp_tz()) }} as occurred_at,
        coalesce(
            {{ hubspot_property(present, 'hs_call_title') }},
            {{ hubspot_property(present, 'hs_email_subject') }},
            {{ hubspot_property(present, 'hs_meeting_title') }},
            {{ hubspot_property(present, 'hs_task_subject') }}
        ) as title,
        {{ hubspot_property(present, 'hs_note_body') }} as note_body,
        lower(coalesce(
            {{ hubspot_property(present, 'hs_call_direction') }},
            {{ hubspot_property(present, 'hs_email_direction') }}
        )) as direction,
        cast(
            {{ hubspot_property(present, 'hs_call_duration', dbt.type_numeric()) }} / 1000
            as {{ dbt.type_int() }}
        ) as call_duration_seconds,
        {{ hubspot_property(present, 'hs_meeting_start_time', type_timestamp_tz()) }} as meeting_starts_at,
        {{ hubspot_property(present, 'hs_meeting_end_time', type_timestamp_tz()) }} as meeting_ends_at,
        {{ hubspot_property(present, 'hs_task_status') }} as task_status,
        {{ hubspot_property(present, 'hs_task_priority') }} as task_priority,
        created_at,
        updated_at
    from source
    where not is_deleted
)

select * from renamed
