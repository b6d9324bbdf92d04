{#- Fails for each combination of the given columns that occurs more than once (nulls compare equal). -#}
{% test unique_combination_of_columns(model, combination) %}

select
    {{ combination | join(', ') }},
    count(*) as occurrences

from {{ model }}

group by {{ combination | join(', ') }}

having count(*) > 1

{% endtest %}
