with reports as (

    select * from {{ ref('int_reports_latest') }}

),

arithmetic_rules as (

    select rule from {{ ref('quality_rule_groups') }}
    where rule_group = 'arithmetic'

),

rule_results as (

    select * from {{ ref('report_quality') }}
    where rule in (select arithmetic_rules.rule from arithmetic_rules)

),

-- Of the arithmetic rules (seeds/quality_rule_groups.csv): inconsistent: some rule failed;
-- consistent: none failed and at least one table rule passed; not_assessable: nothing could be
-- checked against the tables
report_status as (

    select
        report_id,
        case
            when bool_or(status = 'fail') then 'inconsistent'
            when bool_or(status = 'pass' and rule like 'table%') then 'consistent'
            else 'not_assessable'
        end as quality_status

    from rule_results

    group by report_id

),

-- Where a collected report came from: its first fetch (the same bytes may sit at two URLs)
documents as (

    select
        report_id,
        source_url,
        listed_title

    from {{ ref('stg_ingest__documents') }}

    qualify row_number() over (partition by report_id order by fetched_at, source_url) = 1

),

final as (

    select
        cast(reports.report_id as varchar) as report_id,
        cast(reports.agency_id as varchar) as agency_id,
        cast(reports.agency_name as varchar) as agency_name,
        cast(reports.report_year as integer) as report_year,
        cast(reports.layout as varchar) as layout,
        cast(reports.doc_type as varchar) as doc_type,
        cast(reports.is_template as boolean) as is_template,
        cast(reports.title as varchar) as title,
        cast(reports.publish_date as date) as publish_date,
        cast(reports.file_name as varchar) as file_name,
        cast(reports.arrived_at as timestamp) as arrived_at,
        cast(reports.parser_version as varchar) as parser_version,
        cast(reports.is_latest as boolean) as is_latest,
        cast(reports.superseded_by_report_id as varchar) as superseded_by_report_id,
        cast(coalesce(report_status.quality_status, 'not_assessable') as varchar) as quality_status,
        cast(documents.source_url as varchar) as source_url,
        cast(documents.listed_title as varchar) as listed_title

    from reports

    left join report_status
        on reports.report_id = report_status.report_id

    left join documents
        on reports.report_id = documents.report_id

)

select * from final
