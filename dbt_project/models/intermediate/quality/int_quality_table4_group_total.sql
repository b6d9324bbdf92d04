-- Table 4: total = upheld + corrected + other + pending, per group.
with report_groups as (

    select * from {{ ref('int_table4_report_groups') }}

),

checked as (

    select
        report_id,
        'table4_group_total' as rule,
        group_code as scope,
        {{ rule_status('upheld + corrected + other + pending', 'total') }} as status,
        cast(upheld + corrected + other + pending as double) as lhs,
        cast(total as double) as rhs,
        format(
            'upheld {} + corrected {} + other {} + pending {} vs total {}',
            {{ shown('upheld') }}, {{ shown('corrected') }}, {{ shown('other') }},
            {{ shown('pending') }}, {{ shown('total') }}
        ) as detail

    from report_groups

)

select * from checked
