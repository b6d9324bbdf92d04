-- agency_year_metrics rolled up per province and per city. Counts sum what agencies reported
-- (null when none reported the figure); a rate uses only agencies whose numerator and denominator
-- are both filled, and is null when that denominator is 0.
with agency_years as (

    select * from {{ ref('agency_year_metrics') }}
    where province is not null

),

rolled_up as (

    select
        case when grouping(city) = 1 then 'province' else 'city' end as region_level,
        province,
        city,
        report_year,
        count(*) as agencies_reporting,
        count(handled) as agencies_with_handled,
        sum(applications_received) as applications_received,
        sum(carried_over) as carried_over,
        sum(handled) as handled,
        sum(carried_forward) as carried_forward,
        sum(granted) as granted,
        sum(partially_granted) as partially_granted,
        sum(denied) as denied,
        sum(unavailable) as unavailable,
        sum(granted + partially_granted) filter (where handled is not null)
        / nullif(sum(handled) filter (where granted + partially_granted is not null), 0) as grant_rate,
        sum(denied) filter (where handled is not null)
        / nullif(sum(handled) filter (where denied is not null), 0) as denial_rate,
        sum(unavailable) filter (where handled is not null)
        / nullif(sum(handled) filter (where unavailable is not null), 0) as unavailable_rate,
        sum(review_corrected) filter (where review_upheld + review_other is not null)
        / nullif(sum(review_upheld + review_corrected + review_other), 0) as review_correction_rate,
        sum(litigation_corrected) filter (where litigation_upheld + litigation_other is not null)
        / nullif(sum(litigation_upheld + litigation_corrected + litigation_other), 0) as litigation_correction_rate,
        sum(fees_10k_yuan) as fees_10k_yuan,
        sum(regulations_in_force) as regulations_in_force,
        sum(normative_documents_in_force) as normative_documents_in_force

    from agency_years

    group by grouping sets ((province, report_year), (province, city, report_year))

    having grouping(city) = 1 or city is not null

),

with_previous_year as (

    select
        current_year.*,
        previous_year.applications_received as previous_applications_received,
        previous_year.grant_rate as previous_grant_rate

    from rolled_up as current_year

    left join rolled_up as previous_year
        on current_year.region_level = previous_year.region_level
            and current_year.province = previous_year.province
            and current_year.city is not distinct from previous_year.city
            and current_year.report_year - 1 = previous_year.report_year

),

final as (

    select
        cast(region_level as varchar) as region_level,
        cast(province as varchar) as province,
        cast(city as varchar) as city,
        cast(report_year as integer) as report_year,
        cast(agencies_reporting as bigint) as agencies_reporting,
        cast(agencies_with_handled as bigint) as agencies_with_handled,
        cast(applications_received as bigint) as applications_received,
        cast(carried_over as bigint) as carried_over,
        cast(handled as bigint) as handled,
        cast(carried_forward as bigint) as carried_forward,
        cast(granted as bigint) as granted,
        cast(partially_granted as bigint) as partially_granted,
        cast(denied as bigint) as denied,
        cast(unavailable as bigint) as unavailable,
        cast(grant_rate as double) as grant_rate,
        cast(denial_rate as double) as denial_rate,
        cast(unavailable_rate as double) as unavailable_rate,
        cast(review_correction_rate as double) as review_correction_rate,
        cast(litigation_correction_rate as double) as litigation_correction_rate,
        cast(fees_10k_yuan as double) as fees_10k_yuan,
        cast(regulations_in_force as bigint) as regulations_in_force,
        cast(normative_documents_in_force as bigint) as normative_documents_in_force,
        cast(previous_applications_received as bigint) as previous_applications_received,
        cast(applications_received - previous_applications_received as bigint) as applications_received_yoy_change,
        cast(previous_grant_rate as double) as previous_grant_rate,
        cast(grant_rate - previous_grant_rate as double) as grant_rate_yoy_change

    from with_previous_year

)

select * from final
