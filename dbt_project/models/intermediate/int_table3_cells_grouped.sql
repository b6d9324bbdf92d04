with cells as (

    select * from {{ ref('stg_parsed__table3_cells') }}

),

table3_rows as (

    select * from {{ ref('table3_rows') }}

),

table3_columns as (

    select * from {{ ref('table3_columns') }}

),

grouped as (

    select
        cells.report_id,
        cells.row_code,
        table3_rows.row_group,
        table3_rows.sort_order as row_sort_order,
        cells.column_code,
        table3_columns.sort_order as column_sort_order,
        table3_columns.is_total as is_total_column,
        cells.cell_value,
        cells.cell_raw

    from cells

    left join table3_rows
        on cells.row_code = table3_rows.row_code

    left join table3_columns
        on cells.column_code = table3_columns.column_code

)

select * from grouped
