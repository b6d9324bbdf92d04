with source as (

    select * from {{ source('ingest', 'documents') }}

),

renamed as (

    select
        url as source_url,
        sha256 as report_id,
        source as source_name,
        kind as document_kind,
        listing_url,
        listed_title,
        listed_date,
        http_status,
        etag,
        last_modified,
        fetched_at,
        file_name as landed_file_name

    from source

)

select * from renamed
