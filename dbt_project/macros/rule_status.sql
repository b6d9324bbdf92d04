{#- Status of an equality rule: not_assessable unless every input is filled, then pass when both sides agree. -#}
{% macro rule_status(lhs, rhs) -%}
    case
        when ({{ lhs }}) is null or ({{ rhs }}) is null then 'not_assessable'
        when ({{ lhs }}) = ({{ rhs }}) then 'pass'
        else 'fail'
    end
{%- endmacro %}

{#- A number for a rule's detail text: 'blank' when it is null. -#}
{% macro shown(value) -%}
    coalesce(cast({{ value }} as varchar), 'blank')
{%- endmacro %}

{#- A count held as a double, for a detail text: 21, not 21.0; 'blank' when it is null. -#}
{% macro shown_number(value) -%}
    coalesce(regexp_replace(cast({{ value }} as varchar), '\.0$', ''), 'blank')
{%- endmacro %}
