-- The counts behind agency_year_metrics: one row per agency × year from the latest non-template
-- annual report. Figures come from the printed 总计 column and are null when the report left them
-- blank; nothing is summed across applicant columns to fill a gap (the applicant mix alone reads
-- the applicant columns, and is null when one of them is blank).
{% set litigation_groups = "group_code in ('litigation_direct', 'litigation_after_review')" -%}

with latest_annual_reports as (

    select *
    from {{ ref('int_latest_annual_reports') }}

),

table3_totals as (

    select * from {{ ref('int_table3_report_columns') }}
    where column_code = 'total'

),

table3_columns as (

    select * from {{ ref('table3_columns') }}

),

-- new applications by applicant: natural persons, and the five 法人或其他组织 columns together
applicant_mix as (

    select
        report_columns.report_id,
        max(report_columns.new_received) filter (
            where table3_columns.column_group = 'natural_person'
        ) as natural_person_received,
        {{ sum_if_complete('report_columns.new_received', "table3_columns.column_group = 'legal_person_or_org'") }}
            as organisation_received

    from {{ ref('int_table3_report_columns') }} as report_columns

    inner join table3_columns
        on report_columns.column_code = table3_columns.column_code

    group by report_columns.report_id

),

-- the single rows behind the mixes, 总计 column: 本机关不掌握 and each 不予公开 reason
table3_total_rows as (

    select
        report_id,
        {% for reason in denial_reason_codes() -%}
        max(cell_value) filter (where row_code = '{{ reason }}') as {{ reason }},
        {% endfor -%}
        max(cell_value) filter (where row_code = 'unavailable_not_held') as not_held

    from {{ ref('int_table3_cell_grid') }}

    where column_code = 'total'

    group by report_id

),

table4_groups as (

    select * from {{ ref('int_table4_report_groups') }}

),

table4_by_report as (

    select
        report_id,
        max(upheld) filter (where group_code = 'review') as review_upheld,
        max(corrected) filter (where group_code = 'review') as review_corrected,
        max(other) filter (where group_code = 'review') as review_other,
        {{ sum_if_complete('upheld', litigation_groups) }} as litigation_upheld,
        {{ sum_if_complete('corrected', litigation_groups) }} as litigation_corrected,
        {{ sum_if_complete('other', litigation_groups) }} as litigation_other,
        max(total) filter (where group_code = 'review') as review_total,
        {{ sum_if_complete('total', litigation_groups) }} as litigation_total

    from table4_groups

    group by report_id

),

table2_cells as (

    select * from {{ ref('stg_parsed__table2_cells') }}

),

-- Table 2 figures by code: fees and in-force counts exist in the 2021 layout only (the 2019
-- codes measure different things); 处理决定数量 (decisions) is printed by both
table2_by_report as (

    select
        report_id,
        max(cell_value) filter (where row_code = 'administrative_fees' and column_code = 'amount_10k_yuan')
            as fees_10k_yuan,
        max(cell_value) filter (where row_code = 'regulations' and column_code = 'in_force') as regulations_in_force,
        max(cell_value) filter (where row_code = 'normative_documents' and column_code = 'in_force')
            as normative_documents_in_force,
        max(cell_value) filter (where row_code = 'administrative_licensing' and column_code = 'decisions')
            as administrative_licensing_decisions,
        max(cell_value) filter (where row_code = 'administrative_penalty' and column_code = 'decisions')
            as administrative_penalty_decisions

    from table2_cells

    group by report_id

),

figures as (

    select
        latest_annual_reports.agency_id,
        latest_annual_reports.report_year,
        latest_annual_reports.report_id,
        latest_annual_reports.layout,
        latest_annual_reports.province,
        latest_annual_reports.city,
        table3_totals.new_received as applications_received,
        table3_totals.carried_over,
        table3_totals.total_handled as handled,
        table3_totals.carried_forward,
        table3_totals.granted,
        table3_totals.partially_granted,
        table3_totals.denied,
        table3_totals.unavailable,
        table3_total_rows.not_held,
        table3_totals.not_handled,
        {% for reason in denial_reason_codes() -%}
        table3_total_rows.{{ reason }},
        {% endfor -%}
        applicant_mix.natural_person_received,
        applicant_mix.organisation_received,
        table4_by_report.review_upheld,
        table4_by_report.review_corrected,
        table4_by_report.review_other,
        table4_by_report.litigation_upheld,
        table4_by_report.litigation_corrected,
        table4_by_report.litigation_other,
        table4_by_report.review_total,
        table4_by_report.litigation_total,
        table2_by_report.fees_10k_yuan,
        cast(table2_by_report.regulations_in_force as bigint) as regulations_in_force,
        cast(table2_by_report.normative_documents_in_force as bigint) as normative_documents_in_force,
        table2_by_report.administrative_licensing_decisions,
        table2_by_report.administrative_penalty_decisions

    from latest_annual_reports

    left join table3_totals
        on latest_annual_reports.report_id = table3_totals.report_id

    left join table3_total_rows
        on latest_annual_reports.report_id = table3_total_rows.report_id

    left join applicant_mix
        on latest_annual_reports.report_id = applicant_mix.report_id

    left join table4_by_report
        on latest_annual_reports.report_id = table4_by_report.report_id

    left join table2_by_report
        on latest_annual_reports.report_id = table2_by_report.report_id

)

select * from figures
