-- One row per organ of identity.agencies: the organs reports were resolved to and the governments
-- above them, whether or not they reported. Who it is (level, place, parent) is the identity
-- asset's (orchestration/identity); the name shown is the one printed on its newest report.
with agencies as (

    select * from {{ ref('stg_identity__agencies') }}

),

reports as (

    select * from {{ ref('int_reports_latest') }}
    where agency_id is not null

),

reports_newest_first as (

    select
        *,
        row_number() over (
            partition by agency_id
            order by
                report_year desc nulls last, publish_date desc nulls last, arrived_at desc nulls last, report_id asc
        ) as recency_rank

    from reports

),

agency_reports as (

    select
        agency_id,
        first(agency_name order by recency_rank) filter (where agency_name is not null) as newest_printed_name,
        min(report_year) as first_report_year,
        max(report_year) as last_report_year,
        count(*) as report_count

    from reports_newest_first

    group by agency_id

),

named as (

    select
        agencies.*,
        coalesce(agency_reports.newest_printed_name, agencies.canonical_name) as agency_name,
        agency_reports.first_report_year,
        agency_reports.last_report_year,
        coalesce(agency_reports.report_count, 0) as report_count

    from agencies

    left join agency_reports
        on agencies.agency_id = agency_reports.agency_id

),

final as (

    select
        cast(named.agency_id as varchar) as agency_id,
        cast(named.agency_key as varchar) as agency_key,
        cast(named.agency_name as varchar) as agency_name,
        cast(named.canonical_name as varchar) as canonical_name,
        cast(named.level as varchar) as level,
        cast(named.level_basis as varchar) as level_basis,
        cast(named.level_confidence as varchar) as level_confidence,
        cast(named.government_level as varchar) as government_level,
        cast(named.region_code as varchar) as region_code,
        cast(named.province as varchar) as province,
        cast(named.city as varchar) as city,
        cast(named.county as varchar) as county,
        cast(named.unit as varchar) as unit,
        cast(named.organ as varchar) as organ,
        cast(named.parent_agency_id as varchar) as parent_agency_id,
        cast(parents.agency_name as varchar) as parent_agency_name,
        cast(named.identity_basis as varchar) as identity_basis,
        cast(named.identity_basis = 'override' as boolean) as is_overridden,
        cast(named.override_note as varchar) as override_note,
        cast(named.mapping_version as varchar) as mapping_version,
        cast(named.report_count > 0 as boolean) as has_reports,
        cast(named.first_report_year as integer) as first_report_year,
        cast(named.last_report_year as integer) as last_report_year,
        cast(named.report_count as bigint) as report_count

    from named

    left join named as parents
        on named.parent_agency_id = parents.agency_id

)

select * from final
