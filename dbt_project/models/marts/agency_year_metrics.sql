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
        / nullif(litigation_upheld + litigation_corrected + litigation_other, 0) as litigation_correction_rate,
        carried_forward / nullif(applications_received + carried_over, 0) as carry_forward_rate,
        not_held / nullif(unavailable, 0) as not_held_share,
        not_handled / nullif(handled, 0) as not_handled_rate,
        review_total + litigation_total as contested_cases,
        (review_total + litigation_total) / nullif(applications_received, 0) as contested_rate,
        natural_person_received / nullif(natural_person_received + organisation_received, 0) as natural_person_share,
        organisation_received / nullif(natural_person_received + organisation_received, 0) as organisation_share,
        {% for reason in denial_reason_codes() -%}
        {{ reason }} / nullif(denied, 0) as {{ reason }}_share,
        {% endfor -%}
        handled >= {{ var('sample_sufficient_min_handled') }} as sample_sufficient

    from figures

),

-- ranks only agencies with enough cases and a known province: the others get no rank, not a last one
grant_rate_ranks as (

    select
        agency_id,
        report_year,
        rank() over (partition by province, report_year order by grant_rate desc) as grant_rate_rank

    from rates

    where sample_sufficient
        and grant_rate is not null
        and province is not null

),

with_previous_year as (

    select
        current_year.*,
        previous_year.applications_received as previous_applications_received,
        previous_year.grant_rate as previous_grant_rate,
        grant_rate_ranks.grant_rate_rank

    from rates as current_year

    left join rates as previous_year
        on current_year.agency_id = previous_year.agency_id
            and current_year.report_year - 1 = previous_year.report_year

    left join grant_rate_ranks
        on current_year.agency_id = grant_rate_ranks.agency_id
            and current_year.report_year = grant_rate_ranks.report_year

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
        cast(grant_rate_rank as bigint) as grant_rate_rank,
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
