-- One row per agency. Region attributes are the most recent non-null values any of its reports gave.
with reports as (

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

agencies as (

    select
        agency_id,
        first(agency_name order by recency_rank) as agency_name,
        first(province order by recency_rank) filter (where province is not null) as province,
        first(city order by recency_rank) filter (where city is not null) as city,
        first(county order by recency_rank) filter (where county is not null) as county,
        first(region_code order by recency_rank) filter (where region_code is not null) as region_code,
        min(report_year) as first_report_year,
        max(report_year) as last_report_year,
        count(*) as report_count

    from reports_newest_first

    group by agency_id

),

-- the level of government follows from the name's suffix; a bare 市 name is a city, a
-- county-level city or a municipality depending on which region field it matches
leveled as (

    select
        *,
        case
            when regexp_matches(agency_name, '(街道|街道办事处|镇|乡|苏木)(人民政府)?$') then 'township_street'
            when regexp_matches(agency_name, '(省|自治区)(人民政府)?$') then 'province'
            when regexp_matches(agency_name, '(市|自治州|地区|盟)(人民政府)?$')
                then
                    case
                        when regexp_replace(agency_name, '人民政府$', '') = province then 'province'
                        when regexp_replace(agency_name, '人民政府$', '') = county then 'county'
                        when regexp_replace(agency_name, '人民政府$', '') = city then 'city'
                        when regexp_matches(region_code, '^\d{2}0000') then 'province'
                        when regexp_matches(region_code, '^\d{4}00') then 'city'
                        when regexp_matches(region_code, '^\d{6}') then 'county'
                        else 'city'
                    end
            when regexp_matches(agency_name, '(县|区|旗|特区|林区)(人民政府)?$') then 'county'
            else 'department'
        end as level

    from agencies

),

final as (

    select
        cast(agency_id as varchar) as agency_id,
        cast(agency_name as varchar) as agency_name,
        cast(level as varchar) as level,
        cast(province as varchar) as province,
        cast(city as varchar) as city,
        cast(county as varchar) as county,
        cast(region_code as varchar) as region_code,
        cast(first_report_year as integer) as first_report_year,
        cast(last_report_year as integer) as last_report_year,
        cast(report_count as bigint) as report_count

    from leveled

)

select * from final
