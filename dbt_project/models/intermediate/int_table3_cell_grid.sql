{{ report_incremental_config("ref('stg_parsed__reports')") }}
-- A table (built report by report), not a view: a preview (select … limit 10) of this cross join makes DuckDB pick a
-- nested-loop plan that ran for minutes at 1,100 reports; built once, it is read cheaply.
-- The full Table 3 grid each report with a Table 3 should have printed: every expected row ×
-- column, with the value read (null when the cell is blank or not printed). Which (六)其他处理
-- rows are expected is the parser's table3_outcome_layout (orchestration/parsing/checks.py), the
-- same rows its table3_outcomes_sum rule sums; a report without a Table 3 has none.
with reports as (

    select
        report_id,
        table3_outcome_layout,
        parsed_at
    from {{ ref('stg_parsed__reports') }}
    where table3_outcome_layout is not null
        {% if is_incremental() %}
        and report_id in {{ reports_to_rebuild(ref('stg_parsed__reports'), by_agency=false) }}
        {% endif %}

),

cells as (

    select * from {{ ref('int_table3_cells_grouped') }}

),

table3_rows as (

    select * from {{ ref('table3_rows') }}

),

table3_columns as (

    select * from {{ ref('table3_columns') }}

),

grid as (

    select
        reports.report_id,
        reports.table3_outcome_layout,
        reports.parsed_at,
        table3_rows.row_code,
        table3_rows.row_group,
        table3_columns.column_code,
        table3_columns.is_total as is_total_column,
        cells.cell_value

    from reports

    cross join table3_rows

    cross join table3_columns

    left join cells
        on reports.report_id = cells.report_id
            and table3_rows.row_code = cells.row_code
            and table3_columns.column_code = cells.column_code

    where list_contains(string_split(table3_rows.layouts, '|'), reports.table3_outcome_layout)

)

select * from grid
