{{ report_incremental_config("ref('int_reports_latest')") }}
-- Every rule once: the rules one report decides are evaluated by the parser while it reads the
-- report (orchestration/parsing/checks.py, staged as parsed.report_checks); only the rules that
-- need other reports or the report's metadata are evaluated here.
with parser_checks as (

    select
        report_id,
        check_rule as rule,
        check_scope as scope,
        check_status as status,
        check_lhs as lhs,
        check_rhs as rhs,
        check_detail as detail

    from {{ ref('stg_parsed__report_checks') }}

),

plausible_years as (

    select * from {{ ref('int_quality_plausible_years') }}

),

carried_over_continuity as (

    select * from {{ ref('int_quality_carried_over_continuity') }}

),

reports as (

    select
        report_id,
        parsed_at
    from {{ ref('int_reports_latest') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('int_reports_latest')) }}
    {% endif %}

),

all_rules as (

    select * from parser_checks
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
