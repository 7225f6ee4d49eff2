with

source as (
    select * from {{ source('hubspot', 'engagements') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as engagement_id,
        engagement_type,
        hs_timestamp as occurred_at,
        coalesce(hs_call_title, hs_email_subject, hs_meeting_title, hs_task_subject)
            as title,
        hs_note_body as note_body,
        lower(coalesce(hs_call_direction, hs_email_direction)) as direction,
        cast(hs_call_duration / 1000 as {{ dbt.type_int() }}) as call_duration_seconds,
        hs_meeting_start_time as meeting_starts_at,
        hs_meeting_end_time as meeting_ends_at,
        hs_task_status as task_status,
        hs_task_priority as task_priority,
        created_at,
        updated_at
    from source
    where not is_deleted
)

select * from renamed
