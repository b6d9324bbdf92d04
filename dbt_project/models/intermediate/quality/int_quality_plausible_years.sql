-- A report on year N is published in year N or N + 1.
with reports as (

    select * from {{ ref('stg_parsed__reports') }}

),

checked as (

    select
        report_id,
        'plausible_years' as rule,
        'report' as scope,
        case
            when report_year is null or publish_date is null then 'not_assessable'
            when year(publish_date) between report_year and report_year + 1 then 'pass'
            else 'fail'
        end as status,
        cast(year(publish_date) as double) as lhs,
        cast(report_year as double) as rhs,
        format(
            'published in {} for report year {} (expected the same or the next year)',
            {{ shown('year(publish_date)') }}, {{ shown('report_year') }}
        ) as detail

    from reports

)

select * from checked
