with source as (

    select * from {{ source('identity', 'agencies') }}

),

renamed as (

    select
        agency_id,
        agency_key,
        canonical_name,
        level,
        level_basis,
        level_confidence,
        government_level,
        place_code as region_code,
        province,
        city,
        county,
        unit,
        organ,
        parent_agency_id,
        identity_basis,
        override_note,
        mapping_version

    from source

)

select * from renamed
