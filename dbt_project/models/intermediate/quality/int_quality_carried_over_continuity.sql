-- carried_over of year N = carried_forward of year N - 1, for one agency and per applicant
-- column, between latest non-template annual reports.
with latest_annual_reports as (

    select
        report_id,
        agency_id,
        report_year
    from {{ ref('int_latest_annual_reports') }}

),

report_columns as (

    select * from {{ ref('int_table3_report_columns') }}

),

current_year as (

    select
        latest_annual_reports.agency_id,
        latest_annual_reports.report_year,
        report_columns.report_id,
        report_columns.column_code,
        report_columns.carried_over

    from latest_annual_reports

    inner join report_columns
        on latest_annual_reports.report_id = report_columns.report_id

),

previous_year as (

    select
        latest_annual_reports.agency_id,
        latest_annual_reports.report_year,
        latest_annual_reports.report_id,
        report_columns.column_code,
        report_columns.carried_forward

    from latest_annual_reports

    left join report_columns
        on latest_annual_reports.report_id = report_columns.report_id

),

paired as (

    select
        current_year.report_id,
        current_year.column_code,
        current_year.report_year,
        current_year.carried_over,
        previous_year.report_id as previous_report_id,
        previous_year.carried_forward as previous_carried_forward

    from current_year

    left join previous_year
        on current_year.agency_id = previous_year.agency_id
            and current_year.report_year - 1 = previous_year.report_year
            and (previous_year.column_code is null or current_year.column_code = previous_year.column_code)

),

checked as (

    select
        report_id,
        'carried_over_continuity' as rule,
        column_code as scope,
        {{ rule_status('carried_over', 'previous_carried_forward') }} as status,
        cast(carried_over as double) as lhs,
        cast(previous_carried_forward as double) as rhs,
        case
            when previous_report_id is null
                then
                    format(
                        'carried_over {} in {}; no annual report of this agency for {}',
                        {{ shown('carried_over') }}, report_year, report_year - 1
                    )
            else
                format(
                    'carried_over {} in {} vs carried_forward {} in {} (report {})',
                    {{ shown('carried_over') }}, report_year,
                    {{ shown('previous_carried_forward') }}, report_year - 1, previous_report_id
                )
        end as detail

    from paired

)

select * from checked
