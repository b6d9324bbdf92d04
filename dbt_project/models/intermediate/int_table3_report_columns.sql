{{ report_incremental_config("ref('stg_parsed__reports')") }}
-- Table 3 pivoted to one row per report × applicant column. A table built report by report: the
-- continuity rule and the metrics read it, and pivoting the whole grid each time was most of
-- report_quality's build at 100,000 reports. Group sums (denied, unavailable, not_handled,
-- other) are null unless every cell of the group is filled.
with grid as (

    select * from {{ ref('int_table3_cell_grid') }}
    {% if is_incremental() %}
    where report_id in {{ reports_to_rebuild(ref('stg_parsed__reports'), by_agency=false) }}
    {% endif %}

),

pivoted as (

    select
        report_id,
        column_code,
        parsed_at,
        max(cell_value) filter (where row_code = 'new_received') as new_received,
        max(cell_value) filter (where row_code = 'carried_over') as carried_over,
        max(cell_value) filter (where row_code = 'granted') as granted,
        max(cell_value) filter (where row_code = 'partially_granted') as partially_granted,
        {{ sum_if_complete('cell_value', "row_group = 'denied'") }} as denied,
        {{ sum_if_complete('cell_value', "row_group = 'unavailable'") }} as unavailable,
        {{ sum_if_complete('cell_value', "row_group = 'not_handled'") }} as not_handled,
        {{ sum_if_complete('cell_value', "row_group = 'other'") }} as other_handling,
        max(cell_value) filter (where row_code = 'total_handled') as total_handled,
        max(cell_value) filter (where row_code = 'carried_forward') as carried_forward

    from grid

    group by report_id, column_code, parsed_at

)

select * from pivoted
