with source as (

    select * from {{ source('ingest', 'report_files') }}

),

renamed as (

    select
        sha256 as report_id,
        file_name,
        landing_path,
        raw_path,
        size_bytes,
        extension as file_extension,
        arrived_at

    from source

)

select * from renamed
