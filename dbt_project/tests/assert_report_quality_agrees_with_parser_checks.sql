-- The parser evaluates the same arithmetic while reading (parsed.report_checks). Where both sides
-- reached a verdict on the same rule and scope, they must agree; a difference points at a bug in
-- one of them. Warn only: the warehouse's report_quality is the one reported.
{{ config(severity='warn') }}

with warehouse_rules as (

    select * from {{ ref('report_quality') }}
    where status in ('pass', 'fail')

),

parser_checks as (

    select * from {{ ref('stg_parsed__report_checks') }}
    where check_status in ('pass', 'fail')

)

select
    warehouse_rules.report_id,
    warehouse_rules.rule,
    warehouse_rules.scope,
    warehouse_rules.status as warehouse_status,
    parser_checks.check_status as parser_status,
    warehouse_rules.detail as warehouse_detail,
    parser_checks.check_detail as parser_detail

from warehouse_rules

inner join parser_checks
    on warehouse_rules.report_id = parser_checks.report_id
    and warehouse_rules.rule = parser_checks.check_rule
    and warehouse_rules.scope = parser_checks.check_scope

where warehouse_rules.status <> parser_checks.check_status
