-- The numbers the prose states (stg_parsed__narrative_metrics) against the report's own Table 3
-- and Table 4 totals: one row per report with a Table 3 and stated measure (scope = the measure),
-- or one not-assessable row (scope 'report') when the prose states none. Received applications
-- pass when the prose gives the new ones or the new plus those carried over: reports write both.
-- When the prose states a measure several times, any stated value that matches passes.
with table3_totals as (

    select * from {{ ref('int_table3_report_columns') }}
    where column_code = 'total'

),

table4_totals as (

    select
        report_id,
        max(total) filter (where group_code = 'review') as review_total,
        case
            when count(total) filter (where group_code like 'litigation%') = 2
                then sum(total) filter (where group_code like 'litigation%')
        end as litigation_total
    from {{ ref('int_table4_report_groups') }}
    group by report_id

),

table_figures as (

    select
        table3_totals.report_id,
        measures.metric_name,
        measures.table_value,
        measures.alternative_value,
        measures.table_label

    from table3_totals

    left join table4_totals
        on table3_totals.report_id = table4_totals.report_id

    cross join lateral (
        values
        (
            'applications_received', table3_totals.new_received,
            table3_totals.new_received + table3_totals.carried_over, '一、本年新收'
        ),
        ('applications_answered', table3_totals.total_handled, null, '(七)总计'),
        ('applications_carried_forward', table3_totals.carried_forward, null, '四、结转下年度继续办理'),
        ('admin_reviews', table4_totals.review_total, null, 'Table 4 行政复议 总计'),
        ('lawsuits', table4_totals.litigation_total, null, 'Table 4 行政诉讼 总计 (both groups)')
    ) as measures (metric_name, table_value, alternative_value, table_label)

),

stated as (

    select
        report_id,
        metric_name,
        metric_value,
        evidence
    from {{ ref('stg_parsed__narrative_metrics') }}

),

compared as (

    select
        table_figures.report_id,
        table_figures.metric_name,
        table_figures.table_value,
        table_figures.table_label,
        stated.metric_value,
        stated.evidence,
        stated.metric_value in (table_figures.table_value, table_figures.alternative_value) as matches,
        -- the side the stated number is compared with: the sum with those carried over when it matched that
        case
            when stated.metric_value = table_figures.table_value then table_figures.table_value
            when stated.metric_value = table_figures.alternative_value then table_figures.alternative_value
            else table_figures.table_value
        end as compared_value,
        case
            when stated.metric_value = table_figures.table_value then table_figures.table_label
            when stated.metric_value = table_figures.alternative_value then '一、本年新收 + 二、上年结转'
            else table_figures.table_label
        end as compared_label,
        row_number() over (
            partition by table_figures.report_id, table_figures.metric_name
            order by
                stated.metric_value in (table_figures.table_value, table_figures.alternative_value) desc,
                abs(stated.metric_value - table_figures.table_value) nulls last,
                stated.metric_value
        ) as preference

    from table_figures

    inner join stated
        on table_figures.report_id = stated.report_id
            and table_figures.metric_name = stated.metric_name

),

measure_rows as (

    select
        report_id,
        'text_matches_table' as rule,
        metric_name as scope,
        case
            when compared_value is null then 'not_assessable'
            when matches then 'pass'
            else 'fail'
        end as status,
        cast(metric_value as double) as lhs,
        cast(compared_value as double) as rhs,
        format(
            'the prose states {} ("{}"); the table prints {} as {}',
            {{ shown_number('metric_value') }}, evidence, compared_label, {{ shown_number('compared_value') }}
        ) as detail

    from compared
    where preference = 1

),

silent_reports as (

    select
        table3_totals.report_id,
        'text_matches_table' as rule,
        'report' as scope,
        'not_assessable' as status,
        cast(null as double) as lhs,
        cast(null as double) as rhs,
        'the prose states none of the figures compared '
        || '(applications received, answered, carried forward, reviews, lawsuits)' as detail

    from table3_totals

    where table3_totals.report_id not in (select measure_rows.report_id from measure_rows)

)

select * from measure_rows
union all
select * from silent_reports
