with

source as (
    select * from {{ source('hubspot', 'associations') }}
),

renamed as (
    select
        {{ dbt.concat([
            "from_object_type", "'/'", "from_id", "'->'",
            "to_object_type", "'/'", "to_id", "'#'",
            "cast(association_type_id as " ~ dbt.type_string() ~ ")"
        ]) }} as association_id,
        from_object_type,
        cast(from_id as {{ dbt.type_string() }}) as from_object_id,
        to_object_type,
        cast(to_id as {{ dbt.type_string() }}) as to_object_id,
        association_type_id,
        association_label
    from source
    where not is_deleted
)

select * from renamed
