{{ report_incremental_config("ref('int_reports_latest')") }}
-- Table 2 keeps the codes of the layout it was printed in: 2019 and 2021 items are never merged.
with cells as (

    select * from {{ ref('stg_parsed__table2_cells') }}

),

reports as (

    select * from {{ ref('int_reports_latest') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('int_reports_latest')) }}
    {% endif %}

),

table2_items as (

    select * from {{ ref('table2_items') }}

),

final as (

    select
        cast(cells.report_id as varchar) as report_id,
        cast(reports.agency_id as varchar) as agency_id,
        cast(reports.report_year as integer) as report_year,
        cast(reports.layout as varchar) as layout,
        cast(cells.row_code as varchar) as row_code,
        cast(cells.column_code as varchar) as column_code,
        cast(table2_items.row_label_zh as varchar) as row_label_zh,
        cast(table2_items.column_label_zh as varchar) as column_label_zh,
        cast(table2_items.value_kind as varchar) as value_kind,
        cast(table2_items.sort_order as integer) as sort_order,
        cast(table2_items.row_code is not null as boolean) as is_known_item,
        cast(cells.cell_value as double) as item_value,
        cast(cells.cell_raw as varchar) as cell_raw,
        cast(reports.is_latest as boolean) as is_latest,
        cast(reports.is_template as boolean) as is_template,
        cast(reports.parsed_at as timestamp) as parsed_at

    from cells

    inner join reports
        on cells.report_id = reports.report_id

    left join table2_items
        on reports.layout = table2_items.layout
            and cells.row_code = table2_items.row_code
            and cells.column_code = table2_items.column_code

)

select * from final
