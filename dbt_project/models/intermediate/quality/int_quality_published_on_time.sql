-- An annual report is published by its organ's legal deadline (seeds/disclosure_deadlines.csv:
-- the month-day in the year after the report year, by level; a province's row overrides the
-- national one by the longest division-code prefix).
with annual_reports as (

    select
        report_id,
        agency_id,
        report_year,
        publish_date
    from {{ ref('int_reports_latest') }}
    where doc_type = 'annual_report'

),

agencies as (

    select * from {{ ref('stg_identity__agencies') }}

),

deadlines as (

    select * from {{ ref('disclosure_deadlines') }}

),

deadline_candidates as (

    select
        annual_reports.report_id,
        deadlines.deadline,
        deadlines.source,
        row_number() over (
            partition by annual_reports.report_id
            order by length(coalesce(deadlines.region_prefix, '')) desc
        ) as preference

    from annual_reports

    inner join agencies
        on annual_reports.agency_id = agencies.agency_id

    inner join deadlines
        on agencies.level = deadlines.level
            and agencies.government_level = deadlines.government_level
            and (deadlines.region_prefix is null or starts_with(agencies.region_code, deadlines.region_prefix))

),

reports_with_deadline as (

    select
        annual_reports.report_id,
        annual_reports.publish_date,
        annual_reports.report_year,
        agencies.level,
        agencies.government_level,
        deadline_candidates.source,
        cast(
            cast(annual_reports.report_year + 1 as varchar) || '-' || deadline_candidates.deadline as date
        ) as deadline_date

    from annual_reports

    left join agencies
        on annual_reports.agency_id = agencies.agency_id

    left join deadline_candidates
        on annual_reports.report_id = deadline_candidates.report_id
            and deadline_candidates.preference = 1

),

checked as (

    select
        report_id,
        'published_on_time' as rule,
        'report' as scope,
        case
            when publish_date is null or deadline_date is null then 'not_assessable'
            when publish_date <= deadline_date then 'pass'
            else 'fail'
        end as status,
        cast(date_diff('day', deadline_date, publish_date) as double) as lhs,
        case when publish_date is not null and deadline_date is not null then 0.0 end as rhs,
        case
            when report_year is null then 'no report year'
            when level is null then 'no resolved agency'
            when deadline_date is null
                then format(
                        'no deadline for level {} (government level {}) in seeds/disclosure_deadlines.csv',
                        level, coalesce(government_level, 'unknown')
                    )
            when publish_date is null then format('no publish date; deadline {}', deadline_date)
            else format(
                    'published {}, deadline {} ({} days {}; {})',
                    publish_date, deadline_date, abs(date_diff('day', deadline_date, publish_date)),
                    case when publish_date <= deadline_date then 'before' else 'late' end, source
                )
        end as detail

    from reports_with_deadline

)

select * from checked
