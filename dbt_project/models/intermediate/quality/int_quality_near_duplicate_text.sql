-- A report's prose is a near copy of its agency's report of the previous year, or of the
-- closest report of another agency of the same year, when the copy detector's similarity
-- (orchestration/similarity) reaches the relation's threshold (seed near_duplicate_thresholds).
with reports as (

    select
        report_id,
        agency_name,
        report_year
    from {{ ref('stg_parsed__reports') }}

),

thresholds as (

    select
        relation,
        threshold
    from {{ ref('near_duplicate_thresholds') }}

),

matches as (

    select * from {{ ref('stg_similarity__report_matches') }}

),

report_relations as (

    select
        reports.report_id,
        reports.report_year,
        thresholds.relation,
        thresholds.threshold
    from reports
    cross join thresholds

),

checked as (

    select
        report_relations.report_id,
        'near_duplicate_text' as rule,
        report_relations.relation as scope,
        case
            when matches.report_id is null then 'not_assessable'
            when matches.other_report_id is null and report_relations.relation = 'previous_year'
                then 'not_assessable'
            when matches.other_report_id is not null and matches.similarity is null then 'not_assessable'
            when matches.similarity >= report_relations.threshold then 'fail'
            else 'pass'
        end as status,
        matches.similarity as lhs,
        report_relations.threshold as rhs,
        case
            when matches.report_id is null
                then 'no prose section (一, 二, 五, 六) of an annual report with a year to compare'
            when matches.other_report_id is null and report_relations.relation = 'previous_year'
                then format(
                        'no report of the same agency for {} with prose sections',
                        {{ shown('report_relations.report_year - 1') }}
                    )
            when matches.other_report_id is null
                then format(
                        'no report of another agency of {} shares an LSH band with it (similarity below about 0.3)',
                        {{ shown('report_relations.report_year') }}
                    )
            when matches.similarity is null
                then format(
                        'compared with {}: only {} MinHash bins count, too few to tell (mostly stock phrases)',
                        matches.other_report_id, {{ shown('matches.bins_compared') }}
                    )
            else format(
                    '{:.2f} similar to {} ({}, {}); sections alike: {}{}',
                    matches.similarity,
                    matches.other_report_id,
                    coalesce(others.agency_name, 'agency unknown'),
                    {{ shown('others.report_year') }},
                    coalesce(matches.sections_alike, 'none'),
                    case
                        when
                            matches.bucket_truncated
                            then '; an LSH bucket was cut, a closer report may be missed'
                        else ''
                    end
                )
        end as detail

    from report_relations
    left join matches
        on
            report_relations.report_id = matches.report_id
            and report_relations.relation = matches.relation
    left join reports as others on matches.other_report_id = others.report_id

)

select * from checked
