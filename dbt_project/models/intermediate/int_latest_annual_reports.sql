-- The report that speaks for an agency's year: its latest non-template annual report. The
-- metrics, the cross-year rules and the coverage all read this one choice.
with reports as (

    select * from {{ ref('int_reports_latest') }}

),

latest_annual_reports as (

    select
        report_id,
        agency_id,
        agency_key,
        agency_name,
        report_year,
        doc_type,
        layout,
        is_template,
        title,
        province,
        city,
        county,
        region_code,
        publish_date,
        file_name,
        arrived_at,
        parser_version,
        parsed_at,
        agency_assigned_at

    from reports

    where is_latest
        and not is_template
        and doc_type = 'annual_report'
        and agency_id is not null
        and report_year is not null

)

select * from latest_annual_reports
