{{ report_incremental_config("ref('int_reports_latest')") }}
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

reports as (

    select report_id, parsed_at from {{ ref('int_reports_latest') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('int_reports_latest')) }}
    {% endif %}

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
        cast(all_rules.report_id as varchar) as report_id,
        cast(all_rules.rule as varchar) as rule,
        cast(all_rules.scope as varchar) as scope,
        cast(all_rules.status as varchar) as status,
        cast(all_rules.lhs as double) as lhs,
        cast(all_rules.rhs as double) as rhs,
        cast(all_rules.detail as varchar) as detail,
        cast(reports.parsed_at as timestamp) as parsed_at

    from all_rules

    inner join reports
        on all_rules.report_id = reports.report_id

)

select * from final
