-- The identity findings a person should settle with a line in seeds/agency_overrides.csv, with
-- what they need to decide: both agencies' names, keys, levels, report counts and printed names.
with review as (

    select * from {{ ref('stg_identity__agency_review') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

report_agencies as (

    select * from {{ ref('stg_identity__report_agencies') }}

),

-- every spelling reports printed for an agency: an override matches reports by printed name
printed_names as (

    select
        agency_id,
        list(distinct printed_name order by printed_name) as printed_names

    from report_agencies

    group by agency_id

),

described as (

    select
        md5(concat_ws('|', review.review_kind, review.agency_id, coalesce(review.other_agency_id, '')))
            as review_id,
        review.review_kind,
        review.agency_id,
        agency.agency_key,
        agency.agency_name,
        agency.canonical_name,
        agency.level,
        agency.region_code,
        agency.report_count,
        agency_printed.printed_names,
        review.other_agency_id,
        other_agency.agency_key as other_agency_key,
        other_agency.agency_name as other_agency_name,
        other_agency.canonical_name as other_canonical_name,
        other_agency.level as other_level,
        other_agency.region_code as other_region_code,
        other_agency.report_count as other_report_count,
        case
            when review.other_agency_id is not null then coalesce(other_printed.printed_names, [])
        end as other_printed_names,
        review.similarity,
        review.review_detail,
        review.mapping_version

    from review

    left join agencies as agency
        on review.agency_id = agency.agency_id

    left join printed_names as agency_printed
        on review.agency_id = agency_printed.agency_id

    left join agencies as other_agency
        on review.other_agency_id = other_agency.agency_id

    left join printed_names as other_printed
        on review.other_agency_id = other_printed.agency_id

),

final as (

    select
        cast(review_id as varchar) as review_id,
        cast(review_kind as varchar) as kind,
        cast(agency_id as varchar) as agency_id,
        cast(agency_key as varchar) as agency_key,
        cast(agency_name as varchar) as agency_name,
        cast(canonical_name as varchar) as canonical_name,
        cast(level as varchar) as level,
        cast(region_code as varchar) as region_code,
        cast(coalesce(report_count, 0) as bigint) as report_count,
        cast(coalesce(printed_names, []) as varchar[]) as printed_names,
        cast(other_agency_id as varchar) as other_agency_id,
        cast(other_agency_key as varchar) as other_agency_key,
        cast(other_agency_name as varchar) as other_agency_name,
        cast(other_canonical_name as varchar) as other_canonical_name,
        cast(other_level as varchar) as other_level,
        cast(other_region_code as varchar) as other_region_code,
        cast(other_report_count as bigint) as other_report_count,
        cast(other_printed_names as varchar[]) as other_printed_names,
        cast(similarity as double) as similarity,
        cast(review_detail as varchar) as detail,
        cast(mapping_version as varchar) as mapping_version

    from described

)

select * from final
