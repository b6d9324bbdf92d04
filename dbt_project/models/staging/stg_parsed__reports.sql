with source as (

    select * from {{ source('parsed', 'reports') }}

),

renamed as (

    select
        sha256 as report_id,
        -- the printed name only: which organ it is comes from identity.report_agencies
        nullif(trim(agency), '') as agency_name,
        file_name,
        parser_version,
        parsed_at,
        format as file_format,
        encoding,
        script,
        doc_type,
        layout,
        table3_outcome_layout,
        is_template,
        title,
        nullif(trim(province), '') as province,
        nullif(trim(city), '') as city,
        nullif(trim(county), '') as county,
        nullif(trim(region_code), '') as region_code,
        report_year,
        publish_date,
        coalesce(repairs, []::varchar[]) as repairs,
        coalesce(flags, []::varchar[]) as flags

    from source

)

select * from renamed
