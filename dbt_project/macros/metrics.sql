{#- The eight 不予公开 rows of Table 3 (seeds/table3_rows.csv, row_group denied), in table order:
    the refusal-reason columns of the metrics marts are named after them. A macro, not a query
    of the seed, so the columns exist when dbt compiles, before any seed is loaded. -#}
{% macro denial_reason_codes() -%}
    {{ return([
        'denied_state_secret',
        'denied_prohibited_by_law',
        'denied_security_stability',
        'denied_third_party_rights',
        'denied_internal_affairs',
        'denied_process_information',
        'denied_enforcement_files',
        'denied_administrative_inquiry',
    ]) }}
{%- endmacro %}


{#- A rate over a group of agencies as a ratio of sums: only the agencies whose numerator and
    denominator are both filled count (a blank never counts as 0), null when that sum is 0. -#}
{% macro ratio_of_sums(numerator, denominator) -%}
    sum({{ numerator }}) filter (where ({{ denominator }}) is not null)
    / nullif(sum({{ denominator }}) filter (where ({{ numerator }}) is not null), 0)
{%- endmacro %}
