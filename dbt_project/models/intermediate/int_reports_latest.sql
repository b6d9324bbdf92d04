-- Every parsed report with the organ it was resolved to (identity.report_agencies) and its version
-- rank among the reports that agency published for the same year and document type: a real report
-- beats a template, then the later publish date, then the later arrival. Reports without agency or
-- year cannot be compared and stand alone (latest).
with reports as (

    select * from {{ ref('stg_parsed__reports') }}

),

report_agencies as (

    select
        report_id,
        agency_id,
        agency_key,
        assigned_at
    from {{ ref('stg_identity__report_agencies') }}

),

files as (

    select
        report_id,
        arrived_at
    from {{ ref('stg_ingest__report_files') }}

),

versions as (

    select
        reports.*,
        report_agencies.agency_id,
        report_agencies.agency_key,
        report_agencies.assigned_at as agency_assigned_at,
        files.arrived_at,
        report_agencies.agency_id is not null and reports.report_year is not null as is_comparable,
        row_number() over agency_year_doc as version_rank,
        first_value(reports.report_id) over agency_year_doc as newest_report_id

    from reports

    left join report_agencies
        on reports.report_id = report_agencies.report_id

    left join files
        on reports.report_id = files.report_id

    window agency_year_doc as (
        partition by report_agencies.agency_id, reports.report_year, reports.doc_type
        order by
            reports.is_template asc,
            reports.publish_date desc nulls last,
            files.arrived_at desc nulls last,
            reports.report_id desc
    )

),

marked as (

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
        agency_assigned_at,
        not is_comparable or version_rank = 1 as is_latest,
        case when is_comparable and version_rank > 1 then newest_report_id end as superseded_by_report_id

    from versions

)

select * from marked
