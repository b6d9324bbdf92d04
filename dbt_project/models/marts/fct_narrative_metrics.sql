{{ report_incremental_config("ref('int_reports_latest')") }}
with metrics as (

    select * from {{ ref('stg_parsed__narrative_metrics') }}

),

reports as (

    select * from {{ ref('int_reports_latest') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('int_reports_latest')) }}
    {% endif %}

),

final as (

    select
        cast(metrics.report_id as varchar) as report_id,
        cast(
            row_number() over (
                partition by metrics.report_id, metrics.metric_name
                order by metrics.evidence, metrics.metric_value
            ) as integer
        ) as metric_ordinal,
        cast(reports.agency_id as varchar) as agency_id,
        cast(reports.report_year as integer) as report_year,
        cast(reports.doc_type as varchar) as doc_type,
        cast(metrics.metric_name as varchar) as metric_name,
        cast(metrics.metric_value as double) as metric_value,
        cast(metrics.metric_unit as varchar) as metric_unit,
        cast(metrics.evidence as varchar) as evidence,
        cast(reports.is_latest as boolean) as is_latest,
        cast(reports.is_template as boolean) as is_template,
        cast(reports.parsed_at as timestamp) as parsed_at

    from metrics

    inner join reports
        on metrics.report_id = reports.report_id

)

select * from final
