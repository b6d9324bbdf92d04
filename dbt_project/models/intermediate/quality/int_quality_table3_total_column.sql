-- 总计 column = natural_person + the five 法人或其他组织 columns, per row.
with grid as (

    select * from {{ ref('int_table3_cell_grid') }}

),

row_sides as (

    select
        report_id,
        row_code,
        {{ sum_if_complete('cell_value', 'not is_total_column') }} as applicant_sum,
        max(cell_value) filter (where is_total_column) as printed_total,
        count(cell_value) filter (where not is_total_column) as applicant_cells_filled,
        count(*) filter (where not is_total_column) as applicant_cells_expected

    from grid

    group by report_id, row_code

),

checked as (

    select
        report_id,
        'table3_total_column' as rule,
        row_code as scope,
        {{ rule_status('applicant_sum', 'printed_total') }} as status,
        cast(applicant_sum as double) as lhs,
        cast(printed_total as double) as rhs,
        format(
            'sum of {} applicant columns ({} filled) = {} vs total {}',
            applicant_cells_expected, applicant_cells_filled,
            {{ shown('applicant_sum') }}, {{ shown('printed_total') }}
        ) as detail

    from row_sides

)

select * from checked
