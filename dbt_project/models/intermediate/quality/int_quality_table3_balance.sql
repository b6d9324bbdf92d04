-- 一 + 二 = 三(七)总计 + 四, per applicant column.
with report_columns as (

    select * from {{ ref('int_table3_report_columns') }}

),

sides as (

    select
        report_id,
        column_code,
        cast(new_received + carried_over as double) as lhs,
        cast(total_handled + carried_forward as double) as rhs,
        format(
            'new_received {} + carried_over {} vs total_handled {} + carried_forward {}',
            {{ shown('new_received') }}, {{ shown('carried_over') }},
            {{ shown('total_handled') }}, {{ shown('carried_forward') }}
        ) as detail

    from report_columns

),

checked as (

    select
        report_id,
        'table3_balance' as rule,
        column_code as scope,
        {{ rule_status('lhs', 'rhs') }} as status,
        lhs,
        rhs,
        detail

    from sides

)

select * from checked
