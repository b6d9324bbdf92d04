with source as (

    select * from {{ source('parsed', 'narrative_metrics') }}

),

renamed as (

    select
        sha256 as report_id,
        metric_name,
        value as metric_value,
        unit as metric_unit,
        evidence

    from source

)

select * from renamed
