with source as (

    select * from {{ source('parsed', 'table3_cells') }}

),

renamed as (

    select
        sha256 as report_id,
        row_code,
        column_code,
        value as cell_value,
        raw as cell_raw

    from source

)

select * from renamed
