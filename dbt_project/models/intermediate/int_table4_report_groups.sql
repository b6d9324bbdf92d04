-- Table 4 per report × group (review, litigation_direct, litigation_after_review), for every
-- structured report and every report with Table 4 cells. Missing or blank cells stay null.
with reports as (

    select
        report_id,
        layout
    from {{ ref('stg_parsed__reports') }}

),

cells as (

    select * from {{ ref('stg_parsed__table4_cells') }}

),

table4_groups as (

    select distinct group_code from {{ ref('table4_columns') }}

),

reports_with_table4 as (

    select report_id from reports
    where layout in ('2019', '2021')

    union

    select report_id from cells

),

pivoted as (

    select
        reports_with_table4.report_id,
        table4_groups.group_code,
        max(cells.cell_value) filter (where cells.column_code = 'upheld') as upheld,
        max(cells.cell_value) filter (where cells.column_code = 'corrected') as corrected,
        max(cells.cell_value) filter (where cells.column_code = 'other') as other,
        max(cells.cell_value) filter (where cells.column_code = 'pending') as pending,
        max(cells.cell_value) filter (where cells.column_code = 'total') as total

    from reports_with_table4

    cross join table4_groups

    left join cells
        on reports_with_table4.report_id = cells.report_id
            and table4_groups.group_code = cells.group_code

    group by reports_with_table4.report_id, table4_groups.group_code

)

select * from pivoted
