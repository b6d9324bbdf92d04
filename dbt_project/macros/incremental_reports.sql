{% macro reports_to_rebuild(reports, by_agency=true) -%}
{#- The report ids an incremental model rebuilds: the reports parsed since it was last built
    (its newest parsed_at). By agency (the relation then needs agency_id and
    agency_assigned_at, as int_reports_latest has), also the reports given another agency since
    then, and every other report of their agencies, whose is_latest flag and cross-year rules a
    new or re-assigned report can change; not by agency (a model whose rows depend on the
    report's own cells alone), only the reports parsed since. -#}
(
    with new_reports as (

        -- by agency, a report given another agency (agency_assigned_at) counts as new too
        select report_id{% if by_agency %}, agency_id{% endif %}
        from {{ reports }}
        where {{ "greatest(parsed_at, agency_assigned_at)" if by_agency else "parsed_at" }}
            > (select coalesce(max(parsed_at), '-infinity'::timestamp) from {{ this }})

    )

    select report_id from new_reports
    {% if by_agency -%}

    union

    select report_id from {{ reports }} where agency_id in (select agency_id from new_reports)
    {%- endif %}
)
{%- endmacro %}


{% macro delete_stale_report_rows(reports) -%}
    {#- After an incremental build, drop rows left from an earlier parse of a report: a re-parse
        that reads no rows for this model has none to replace the old ones with. -#}
    {%- if is_incremental() -%}
        delete from {{ this }} as built
        where not exists (
            select 1
            from {{ reports }} as reports
            where reports.report_id = built.report_id
                and reports.parsed_at = built.parsed_at
        )
    {%- endif -%}
{%- endmacro %}


{% macro report_incremental_config(reports) -%}
    {#- Config shared by the models built per report: rows are replaced report by report. -#}
    {{ config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="report_id",
        on_schema_change="fail",
        post_hook=["{{ delete_stale_report_rows(" ~ reports ~ ") }}"],
    ) }}
{%- endmacro %}
