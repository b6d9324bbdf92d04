-- Who did not publish: every government of the division dataset, per report year the warehouse
-- holds annual reports for, with its annual report when one arrived. Taiwan, Hong Kong and Macao
-- (division codes 71, 81, 82) are outside the 政府信息公开条例 and not expected.
with divisions as (

    select * from {{ ref('stg_identity__divisions') }}
    where left(region_code, 2) not in ('71', '81', '82')

),

agencies as (

    select * from {{ ref('stg_identity__agencies') }}

),

annual_reports as (

    select * from {{ ref('int_latest_annual_reports') }}

),

-- every year an annual report is about, also one whose organ could not be named
report_years as (

    select distinct report_year
    from {{ ref('int_reports_latest') }}
    where is_latest
        and not is_template
        and doc_type = 'annual_report'
        and report_year is not null

),

governments as (

    select
        agency_id,
        agency_key,
        region_code
    from agencies
    where level in ('province', 'city', 'county')
        and organ is null
        and unit is null
        and region_code is not null

),

government_reports as (

    select
        governments.region_code,
        annual_reports.report_year,
        annual_reports.report_id,
        annual_reports.agency_name,
        annual_reports.publish_date,
        count(*) over (partition by governments.region_code, annual_reports.report_year) as reports_that_year,
        row_number() over (
            partition by governments.region_code, annual_reports.report_year
            order by annual_reports.publish_date desc nulls last, annual_reports.report_id asc
        ) as recency

    from governments

    inner join annual_reports
        on governments.agency_id = annual_reports.agency_id

),

expected as (

    select
        divisions.region_code,
        divisions.division_name,
        divisions.division_level,
        divisions.parent_region_code,
        provinces.division_name as province,
        case when divisions.division_level = 'county' then parents.division_name end as parent_name,
        report_years.report_year

    from divisions

    cross join report_years

    left join divisions as provinces
        on left(divisions.region_code, 2) || '0000' = provinces.region_code

    left join divisions as parents
        on divisions.parent_region_code = parents.region_code

),

final as (

    select
        cast(expected.region_code as varchar) as region_code,
        cast(expected.division_name as varchar) as division_name,
        cast(expected.division_level as varchar) as division_level,
        cast(expected.province as varchar) as province,
        cast(expected.parent_region_code as varchar) as parent_region_code,
        cast(expected.parent_name as varchar) as parent_name,
        cast(expected.report_year as integer) as report_year,
        cast(governments.agency_id as varchar) as agency_id,
        cast(government_reports.report_id is not null as boolean) as has_report,
        cast(government_reports.report_id as varchar) as report_id,
        cast(government_reports.agency_name as varchar) as printed_agency_name,
        cast(government_reports.publish_date as date) as publish_date,
        cast(coalesce(government_reports.reports_that_year, 0) as integer) as reports_that_year

    from expected

    left join governments
        on expected.region_code = governments.region_code

    left join government_reports
        on expected.region_code = government_reports.region_code
            and expected.report_year = government_reports.report_year
            and government_reports.recency = 1

)

select * from final
