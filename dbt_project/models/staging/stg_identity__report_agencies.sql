with source as (

    select * from {{ source('identity', 'report_agencies') }}

),

renamed as (

    select
        sha256 as report_id,
        agency_id,
        agency_key,
        printed_name,
        place_basis,
        mapping_version,
        assigned_at

    from source

)

select * from renamed
