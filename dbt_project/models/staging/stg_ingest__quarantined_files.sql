with source as (

    select * from {{ source('ingest', 'quarantined_files') }}

),

renamed as (

    select
        sha256 as report_id,
        file_name,
        raw_path,
        stage as quarantine_stage,
        reason as quarantine_reason,
        parser_version,
        quarantined_at

    from source

)

select * from renamed
