-- Counts and fees are never negative, per table. Fails on any negative cell; otherwise not
-- assessable when a cell is blank or the table was not printed. Table 2 cells that may be
-- negative (2019 本年增/减) are left out.
with reports as (

    select report_id, layout from {{ ref('stg_parsed__reports') }}

),

table2_items as (

    select * from {{ ref('table2_items') }}

),

table2_cells as (

    select
        table2_cells.report_id,
        'table2' as scope,
        table2_cells.cell_value

    from {{ ref('stg_parsed__table2_cells') }} as table2_cells

    inner join reports
        on table2_cells.report_id = reports.report_id

    left join table2_items
        on reports.layout = table2_items.layout
        and table2_cells.row_code = table2_items.row_code
        and table2_cells.column_code = table2_items.column_code

    where not coalesce(table2_items.may_be_negative, false)

),

table3_cells as (

    select report_id, 'table3' as scope, cast(cell_value as double) as cell_value
    from {{ ref('int_table3_cell_grid') }}

),

table4_cells as (

    select report_id, 'table4' as scope, cast(cell_value as double) as cell_value
    from {{ ref('stg_parsed__table4_cells') }}

),

all_cells as (

    select * from table2_cells
    union all
    select * from table3_cells
    union all
    select * from table4_cells

),

-- every structured report is assessed on all three tables, printed or not
expected_tables as (

    select reports.report_id, tables.scope
    from reports
    cross join (values ('table2'), ('table3'), ('table4')) as tables (scope)
    where reports.layout in ('2019', '2021')

    union

    select report_id, scope from all_cells

),

per_table as (

    select
        expected_tables.report_id,
        expected_tables.scope,
        count(all_cells.cell_value) as filled_cells,
        count(*) filter (where all_cells.report_id is not null and all_cells.cell_value is null) as blank_cells,
        count(*) filter (where all_cells.cell_value < 0) as negative_cells,
        min(all_cells.cell_value) as min_value

    from expected_tables

    left join all_cells
        on expected_tables.report_id = all_cells.report_id
        and expected_tables.scope = all_cells.scope

    group by expected_tables.report_id, expected_tables.scope

),

checked as (

    select
        report_id,
        'non_negative_counts' as rule,
        scope,
        case
            when negative_cells > 0 then 'fail'
            when filled_cells = 0 or blank_cells > 0 then 'not_assessable'
            else 'pass'
        end as status,
        min_value as lhs,
        cast(0 as double) as rhs,
        format(
            'smallest value {} vs 0; {} negative, {} filled, {} blank cells',
            {{ shown('min_value') }}, negative_cells, filled_cells, blank_cells
        ) as detail

    from per_table

)

select * from checked
