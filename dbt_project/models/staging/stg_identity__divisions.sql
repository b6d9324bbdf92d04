with source as (

    select * from {{ source('identity', 'divisions') }}

),

renamed as (

    select
        region_code,
        division_name,
        level as division_level,
        parent_region_code

    from source

)

select * from renamed
