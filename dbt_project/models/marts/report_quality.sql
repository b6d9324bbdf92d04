{{ report_incremental_config("ref('int_reports_latest')") }}
-- depends_on: {{ ref('stg_similarity__report_matches') }}
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

published_on_time as (

    select * from {{ ref('int_quality_published_on_time') }}

),

text_matches_table as (

    select * from {{ ref('int_quality_text_matches_table') }}

),

plausible_values as (

    select * from {{ ref('int_quality_plausible_values') }}

),

near_duplicate_text as (

    select * from {{ ref('int_quality_near_duplicate_text') }}

),

reports as (

    select
        report_id,
        parsed_at
    from {{ ref('int_reports_latest') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('int_reports_latest')) }}
        -- a report's copy finding changes when another agency's report arrives
        or report_id in (
            select rematched.report_id from {{ ref('stg_similarity__report_matches') }} as rematched
            where rematched.matched_at > (
                    select coalesce(max(built.parsed_at), cast('-infinity' as timestamp)) from {{ this }} as built
                )
        )
        -- a peer verdict changes when other agencies' reports of the level and year arrive
        or report_id in (
            select peer.report_id from plausible_values as peer
            left join {{ this }} as built
                on peer.report_id = built.report_id
                    and peer.rule = built.rule
                    and peer.scope = built.scope
            where
                peer.scope = 'peer_outlier'
                and (
                    built.status is distinct from peer.status
                    or built.lhs is distinct from peer.lhs
                    or built.rhs is distinct from peer.rhs
                )
        )
    {% endif %}

),

all_rules as (

    select * from parser_checks
    union all
    select * from plausible_years
    union all
    select * from carried_over_continuity
    union all
    select * from published_on_time
    union all
    select * from text_matches_table
    union all
    select * from plausible_values
    union all
    select * from near_duplicate_text

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
