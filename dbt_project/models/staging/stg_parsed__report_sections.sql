with source as (

    select * from {{ source('parsed', 'report_sections') }}

),

renamed as (

    select
        sha256 as report_id,
        section_number,
        heading,
        text as section_text,
        char_count

    from source

)

select * from renamed
