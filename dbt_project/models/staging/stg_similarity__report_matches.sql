with source as (

    select * from {{ source('similarity', 'report_matches') }}

),

renamed as (

    select
        sha256 as report_id,
        relation,
        other_sha256 as other_report_id,
        similarity,
        sections_alike,
        similarity_section_1,
        similarity_section_2,
        similarity_section_5,
        similarity_section_6,
        bins_compared,
        bucket_truncated,
        method as similarity_method,
        matched_at

    from source

)

select * from renamed
