{{ report_incremental_config("ref('stg_parsed__reports')") }}
-- A table (built report by report), not a view: a preview (select … limit 10) of this cross join makes DuckDB pick a
-- nested-loop plan that ran for minutes at 1,100 reports; built once, it is read cheaply.
-- The full Table 3 grid each structured report should have printed: every expected row × column,
-- with the value read (null when the cell is blank or not printed). The (六)其他处理 block is the
-- three 2021 sub-rows when the report printed any of them, the single 2019 row when it printed
-- that, and otherwise follows the report's layout.
with reports as (

    select report_id, layout, parsed_at from {{ ref('stg_parsed__reports') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('stg_parsed__reports')) }}
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

report_variants as (

    select
        reports.report_id,
        reports.parsed_at,
        case
            when bool_or(cells.row_code in ('other_no_correction', 'other_fee_unpaid', 'other_other')) then '2021'
            when bool_or(cells.row_code = 'other_handling') then '2019'
            when reports.layout = '2019' then '2019'
            else '2021'
        end as outcome_variant

    from reports

    left join cells
        on reports.report_id = cells.report_id

    where reports.layout in ('2019', '2021')
        or cells.report_id is not null

    group by reports.report_id, reports.layout, reports.parsed_at

),

grid as (

    select
        report_variants.report_id,
        report_variants.outcome_variant,
        report_variants.parsed_at,
        table3_rows.row_code,
        table3_rows.row_group,
        table3_columns.column_code,
        table3_columns.is_total as is_total_column,
        cells.cell_value

    from report_variants

    cross join table3_rows

    cross join table3_columns

    left join cells
        on report_variants.report_id = cells.report_id
        and table3_rows.row_code = cells.row_code
        and table3_columns.column_code = cells.column_code

    where list_contains(string_split(table3_rows.layouts, '|'), report_variants.outcome_variant)

)

select * from grid
