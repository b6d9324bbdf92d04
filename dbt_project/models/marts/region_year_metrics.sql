-- agency_year_metrics rolled up per province and per city. Counts sum what agencies reported
-- (null when none reported the figure); a rate is a ratio of those sums, never an average of the
-- agencies' rates, over the agencies whose numerator and denominator are both filled (ratio_of_sums),
-- and is null when that denominator is 0.
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
        {{ ratio_of_sums('granted + partially_granted', 'handled') }} as grant_rate,
        {{ ratio_of_sums('denied', 'handled') }} as denial_rate,
        {{ ratio_of_sums('unavailable', 'handled') }} as unavailable_rate,
        {{ ratio_of_sums('review_corrected', 'review_upheld + review_corrected + review_other') }}
            as review_correction_rate,
        {{ ratio_of_sums('litigation_corrected', 'litigation_upheld + litigation_corrected + litigation_other') }}
            as litigation_correction_rate,
        sum(fees_10k_yuan) as fees_10k_yuan,
        sum(regulations_in_force) as regulations_in_force,
        sum(normative_documents_in_force) as normative_documents_in_force,
        {{ ratio_of_sums('carried_forward', 'applications_received + carried_over') }} as carry_forward_rate,
        sum(not_held) as not_held,
        {{ ratio_of_sums('not_held', 'unavailable') }} as not_held_share,
        sum(not_handled) as not_handled,
        {{ ratio_of_sums('not_handled', 'handled') }} as not_handled_rate,
        sum(review_total) as review_total,
        sum(litigation_total) as litigation_total,
        sum(contested_cases) as contested_cases,
        {{ ratio_of_sums('contested_cases', 'applications_received') }} as contested_rate,
        sum(natural_person_received) as natural_person_received,
        sum(organisation_received) as organisation_received,
        {{ ratio_of_sums('natural_person_received', 'natural_person_received + organisation_received') }}
            as natural_person_share,
        {{ ratio_of_sums('organisation_received', 'natural_person_received + organisation_received') }}
            as organisation_share,
        {% for reason in denial_reason_codes() -%}
        sum({{ reason }}) as {{ reason }},
        {{ ratio_of_sums(reason, 'denied') }} as {{ reason }}_share,
        {% endfor -%}
        sum(handled) >= {{ var('sample_sufficient_min_handled') }} as sample_sufficient

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
        cast(carry_forward_rate as double) as carry_forward_rate,
        cast(not_held as bigint) as not_held,
        cast(not_held_share as double) as not_held_share,
        cast(not_handled as bigint) as not_handled,
        cast(not_handled_rate as double) as not_handled_rate,
        cast(review_total as bigint) as review_total,
        cast(litigation_total as bigint) as litigation_total,
        cast(contested_cases as bigint) as contested_cases,
        cast(contested_rate as double) as contested_rate,
        cast(natural_person_received as bigint) as natural_person_received,
        cast(organisation_received as bigint) as organisation_received,
        cast(natural_person_share as double) as natural_person_share,
        cast(organisation_share as double) as organisation_share,
        {% for reason in denial_reason_codes() -%}
        cast({{ reason }} as bigint) as {{ reason }},
        cast({{ reason }}_share as double) as {{ reason }}_share,
        {% endfor -%}
        cast(sample_sufficient as boolean) as sample_sufficient,
        cast(previous_applications_received as bigint) as previous_applications_received,
        cast(applications_received - previous_applications_received as bigint) as applications_received_yoy_change,
        cast(previous_grant_rate as double) as previous_grant_rate,
        cast(grant_rate - previous_grant_rate as double) as grant_rate_yoy_change

    from with_previous_year

)

select * from final
