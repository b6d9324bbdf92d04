-- One row per day, which MetricFlow (the semantic layer of _semantic_models.yml) joins its time
-- dimensions to. From 2000 (before the first reports of 2008, when the 条例 took effect) to 2050.
with days as (

    select cast(day_range.day_start as date) as date_day
    from range(date '2000-01-01', date '2051-01-01', interval 1 day) as day_range (day_start)

)

select * from days
