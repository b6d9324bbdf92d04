-- total_handled = the sum of the outcome rows above it (20 in the 2021 variant, 18 in the 2019 one), per column.
with report_columns as (

    select * from {{ ref('int_table3_report_columns') }}

),

checked as (

    select
        report_id,
        'table3_outcomes_sum' as rule,
        column_code as scope,
        {{ rule_status('outcome_sum', 'total_handled') }} as status,
        cast(outcome_sum as double) as lhs,
        cast(total_handled as double) as rhs,
        format(
            'sum of {} outcome rows ({} filled) = {} vs total_handled {}',
            outcome_cells_expected, outcome_cells_filled,
            {{ shown('outcome_sum') }}, {{ shown('total_handled') }}
        ) as detail

    from report_columns

)

select * from checked
