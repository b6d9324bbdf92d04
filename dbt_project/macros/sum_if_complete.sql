{#- Sum of `value` over the rows matching `condition`, or null when any of those rows is null:
    a blank cell never counts as 0. -#}
{% macro sum_if_complete(value, condition) -%}
    case
        when count(*) filter (where {{ condition }}) = count({{ value }}) filter (where {{ condition }})
            then cast(sum({{ value }}) filter (where {{ condition }}) as bigint)
    end
{%- endmacro %}
