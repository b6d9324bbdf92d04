{{ report_incremental_config("ref('int_reports_latest')") }}
with cells as (

    select * from {{ ref('stg_parsed__table4_cells') }}

),

table4_columns as (

    select * from {{ ref('table4_columns') }}

),

reports as (

    select * from {{ ref('int_reports_latest') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('int_reports_latest')) }}
    {% endif %}

),

final as (

    select
        cast(cells.report_id as varchar) as report_id,
        cast(reports.agency_id as varchar) as agency_id,
        cast(reports.report_year as integer) as report_year,
        cast(cells.group_code as varchar) as group_code,
        cast(cells.column_code as varchar) as column_code,
        cast(table4_columns.sort_order as integer) as sort_order,
        cast(cells.cell_value as bigint) as case_count,
        cast(cells.cell_raw as varchar) as cell_raw,
        cast(reports.is_latest as boolean) as is_latest,
        cast(reports.is_template as boolean) as is_template,
        cast(reports.parsed_at as timestamp) as parsed_at

    from cells

    inner join reports
        on cells.report_id = reports.report_id

    left join table4_columns
        on cells.group_code = table4_columns.group_code
            and cells.column_code = table4_columns.column_code

)

select * from final
