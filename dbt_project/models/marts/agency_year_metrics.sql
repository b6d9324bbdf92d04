-- Rates are null when an input is null or the denominator is 0: nothing is invented.
with figures as (

    select * from {{ ref('int_agency_year_figures') }}

),

rates as (

    select
        *,
        (granted + partially_granted) / nullif(handled, 0) as grant_rate,
        denied / nullif(handled, 0) as denial_rate,
        unavailable / nullif(handled, 0) as unavailable_rate,
        review_corrected / nullif(review_upheld + review_corrected + review_other, 0) as review_correction_rate,
        litigation_corrected
        / nullif(litigation_upheld + litigation_corrected + litigation_other, 0) as litigation_correction_rate

    from figures

),

with_previous_year as (

    select
        current_year.*,
        previous_year.applications_received as previous_applications_received,
        previous_year.grant_rate as previous_grant_rate

    from rates as current_year

    left join rates as previous_year
        on current_year.agency_id = previous_year.agency_id
            and current_year.report_year - 1 = previous_year.report_year

),

final as (

    select
        cast(agency_id as varchar) as agency_id,
        cast(report_year as integer) as report_year,
        cast(report_id as varchar) as report_id,
        cast(layout as varchar) as layout,
        cast(province as varchar) as province,
        cast(city as varchar) as city,
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
        cast(review_upheld as bigint) as review_upheld,
        cast(review_corrected as bigint) as review_corrected,
        cast(review_other as bigint) as review_other,
        cast(review_correction_rate as double) as review_correction_rate,
        cast(litigation_upheld as bigint) as litigation_upheld,
        cast(litigation_corrected as bigint) as litigation_corrected,
        cast(litigation_other as bigint) as litigation_other,
        cast(litigation_correction_rate as double) as litigation_correction_rate,
        cast(fees_10k_yuan as double) as fees_10k_yuan,
        cast(regulations_in_force as bigint) as regulations_in_force,
        cast(normative_documents_in_force as bigint) as normative_documents_in_force,
        cast(previous_applications_received as bigint) as previous_applications_received,
        cast(applications_received - previous_applications_received as bigint) as applications_received_yoy_change,
        cast(
            (applications_received - previous_applications_received) / nullif(previous_applications_received, 0)
            as double
        ) as applications_received_yoy_pct,
        cast(previous_grant_rate as double) as previous_grant_rate,
        cast(grant_rate - previous_grant_rate as double) as grant_rate_yoy_change

    from with_previous_year

)

select * from final
