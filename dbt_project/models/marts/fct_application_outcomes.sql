{{ report_incremental_config("ref('int_reports_latest')") }}
with cells as (

    select * from {{ ref('int_table3_cells_grouped') }}

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
        cast(reports.layout as varchar) as layout,
        cast(cells.row_code as varchar) as row_code,
        cast(cells.row_group as varchar) as row_group,
        cast(cells.row_sort_order as integer) as row_sort_order,
        cast(cells.column_code as varchar) as column_code,
        cast(cells.column_sort_order as integer) as column_sort_order,
        cast(cells.is_total_column as boolean) as is_total_column,
        cast(cells.cell_value as bigint) as application_count,
        cast(cells.cell_raw as varchar) as cell_raw,
        cast(reports.is_latest as boolean) as is_latest,
        cast(reports.is_template as boolean) as is_template,
        cast(reports.parsed_at as timestamp) as parsed_at

    from cells

    inner join reports
        on cells.report_id = reports.report_id

)

select * from final
