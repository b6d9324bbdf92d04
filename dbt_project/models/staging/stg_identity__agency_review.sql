with source as (

    select * from {{ source('identity', 'agency_review') }}

),

renamed as (

    select
        kind as review_kind,
        agency_id,
        other_agency_id,
        similarity,
        detail as review_detail,
        mapping_version

    from source

)

select * from renamed
