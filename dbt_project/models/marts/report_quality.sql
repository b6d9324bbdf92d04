with table3_balance as (

    select * from {{ ref('int_quality_table3_balance') }}

),

table3_outcomes_sum as (

    select * from {{ ref('int_quality_table3_outcomes_sum') }}

),

table3_total_column as (

    select * from {{ ref('int_quality_table3_total_column') }}

),

table4_group_total as (

    select * from {{ ref('int_quality_table4_group_total') }}

),

non_negative_counts as (

    select * from {{ ref('int_quality_non_negative_counts') }}

),

plausible_years as (

    select * from {{ ref('int_quality_plausible_years') }}

),

carried_over_continuity as (

    select * from {{ ref('int_quality_carried_over_continuity') }}

),

all_rules as (

    select * from table3_balance
    union all
    select * from table3_outcomes_sum
    union all
    select * from table3_total_column
    union all
    select * from table4_group_total
    union all
    select * from non_negative_counts
    union all
    select * from plausible_years
    union all
    select * from carried_over_continuity

),

final as (

    select
        cast(report_id as varchar) as report_id,
        cast(rule as varchar) as rule,
        cast(scope as varchar) as scope,
        cast(status as varchar) as status,
        cast(lhs as double) as lhs,
        cast(rhs as double) as rhs,
        cast(detail as varchar) as detail

    from all_rules

)

select * from final
