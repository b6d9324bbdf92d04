-- Values that are possible but unlikely, against the thresholds of seeds/plausible_value_limits.csv:
-- a measure's change from the agency's previous year (scope year_over_year), a measure above
-- what an organ of its level plausibly reports (scope level_limit), and a measure far above what
-- the other organs of its level report that year (scope peer_outlier: over `threshold` times the
-- 90th percentile of the level-year's latest reports, this one included, and at least
-- `min_value`, when at least `min_peers` reports hold the measure). One row per latest annual
-- report and scope; lhs / rhs are the value and bound of the measure nearest to (or furthest over)
-- its bound. The peer scope is judged against other agencies' reports: report_quality rebuilds a
-- report whose peer verdict changed when others arrive.
with figures as (

    select * from {{ ref('int_agency_year_figures') }}

),

agencies as (

    select * from {{ ref('stg_identity__agencies') }}

),

limits as (

    select * from {{ ref('plausible_value_limits') }}

),

agency_year_measures as (

    select
        figures.report_id,
        figures.agency_id,
        figures.report_year,
        agencies.level,
        measures.measure,
        measures.measure_value

    from figures

    cross join
        lateral (
            values
            ('applications_received', cast(figures.applications_received as double)),
            ('handled', cast(figures.handled as double)),
            ('administrative_licensing_decisions', figures.administrative_licensing_decisions),
            ('administrative_penalty_decisions', figures.administrative_penalty_decisions)
        ) as measures (measure, measure_value)

    left join agencies
        on figures.agency_id = agencies.agency_id

    where measures.measure_value is not null

),

year_over_year_findings as (

    select
        current_year.report_id,
        'year_over_year' as scope,
        current_year.measure,
        current_year.measure_value as value,
        previous_year.measure_value as bound_base,
        -- how far the change is from failing: 1 is the threshold itself
        greatest(current_year.measure_value, previous_year.measure_value)
        / nullif(least(current_year.measure_value, previous_year.measure_value) * limits.threshold, 0) as closeness,
        greatest(current_year.measure_value, previous_year.measure_value)
        >= least(current_year.measure_value, previous_year.measure_value) * limits.threshold
        and abs(current_year.measure_value - previous_year.measure_value) >= coalesce(limits.min_value, 0)
            as is_finding,
        format(
            '{} {} in {} after {} in {} (threshold {}x and {})',
            current_year.measure, current_year.measure_value, current_year.report_year,
            previous_year.measure_value, previous_year.report_year, limits.threshold, coalesce(limits.min_value, 0)
        ) as finding_detail

    from agency_year_measures as current_year

    inner join agency_year_measures as previous_year
        on current_year.agency_id = previous_year.agency_id
            and current_year.measure = previous_year.measure
            and current_year.report_year - 1 = previous_year.report_year

    inner join limits
        on current_year.measure = limits.measure
            and limits.check_kind = 'year_over_year'

),

level_limit_findings as (

    select
        agency_year_measures.report_id,
        'level_limit' as scope,
        agency_year_measures.measure,
        agency_year_measures.measure_value as value,
        limits.threshold as bound_base,
        agency_year_measures.measure_value / limits.threshold as closeness,
        agency_year_measures.measure_value > limits.threshold as is_finding,
        format(
            '{} {} by a {} (limit {})',
            agency_year_measures.measure, agency_year_measures.measure_value, agency_year_measures.level,
            limits.threshold
        ) as finding_detail

    from agency_year_measures

    inner join limits
        on agency_year_measures.measure = limits.measure
            and agency_year_measures.level = limits.level
            and limits.check_kind = 'level_limit'

),

peer_groups as (

    select
        agency_year_measures.level,
        agency_year_measures.report_year,
        agency_year_measures.measure,
        count(*) as peers,
        percentile_cont(0.9) within group (order by agency_year_measures.measure_value) as peer_p90

    from agency_year_measures

    where agency_year_measures.level is not null

    group by agency_year_measures.level, agency_year_measures.report_year, agency_year_measures.measure

),

peer_bounds as (

    select
        peer_groups.*,
        limits.threshold,
        greatest(limits.threshold * peer_groups.peer_p90, coalesce(limits.min_value, 0)) as bound

    from peer_groups

    inner join limits
        on peer_groups.measure = limits.measure
            and (limits.level is null or peer_groups.level = limits.level)
            and limits.check_kind = 'peer_outlier'
            and peer_groups.peers >= limits.min_peers

),

peer_outlier_findings as (

    select
        agency_year_measures.report_id,
        'peer_outlier' as scope,
        agency_year_measures.measure,
        agency_year_measures.measure_value as value,
        peer_bounds.bound as bound_base,
        agency_year_measures.measure_value / nullif(peer_bounds.bound, 0) as closeness,
        agency_year_measures.measure_value > peer_bounds.bound as is_finding,
        format(
            '{} {}: over {} ({}x the 90th percentile {} of {} {} reports of {})',
            agency_year_measures.measure, agency_year_measures.measure_value, peer_bounds.bound,
            peer_bounds.threshold, peer_bounds.peer_p90, peer_bounds.peers, peer_bounds.level, peer_bounds.report_year
        ) as finding_detail

    from agency_year_measures

    inner join peer_bounds
        on agency_year_measures.level = peer_bounds.level
            and agency_year_measures.report_year = peer_bounds.report_year
            and agency_year_measures.measure = peer_bounds.measure

),

findings as (

    select * from year_over_year_findings
    union all
    select * from level_limit_findings
    union all
    select * from peer_outlier_findings

),

ranked_findings as (

    select
        *,
        row_number() over (
            partition by report_id, scope
            order by is_finding desc, closeness desc nulls first, measure asc
        ) as rank_in_scope

    from findings

),

scopes as (

    select
        report_id,
        scope,
        bool_or(is_finding) as has_finding,
        string_agg(finding_detail, '; ' order by measure) filter (where is_finding) as failed_details,
        count(*) as measures_assessed

    from findings

    group by report_id, scope

),

report_scopes as (

    select
        figures.report_id,
        scope_names.scope
    from figures
    cross join (values ('year_over_year'), ('level_limit'), ('peer_outlier')) as scope_names (scope)

),

checked as (

    select
        report_scopes.report_id,
        'plausible_values' as rule,
        report_scopes.scope,
        case
            when scopes.report_id is null then 'not_assessable'
            when scopes.has_finding then 'fail'
            else 'pass'
        end as status,
        ranked_findings.value as lhs,
        ranked_findings.bound_base as rhs,
        case
            when scopes.report_id is null and report_scopes.scope = 'year_over_year'
                then 'no measure of this report and of the previous year''s report to compare'
            when scopes.report_id is null and report_scopes.scope = 'level_limit'
                then 'no limit in seeds/plausible_value_limits.csv for this organ''s level and measures'
            when
                scopes.report_id is null
                then 'fewer reports of this organ''s level and year than a peer_outlier limit''s min_peers'
            when scopes.has_finding then scopes.failed_details
            else format('{} measure(s) within the thresholds', scopes.measures_assessed)
        end as detail

    from report_scopes

    left join scopes
        on report_scopes.report_id = scopes.report_id
            and report_scopes.scope = scopes.scope

    left join ranked_findings
        on report_scopes.report_id = ranked_findings.report_id
            and report_scopes.scope = ranked_findings.scope
            and ranked_findings.rank_in_scope = 1

)

select * from checked
