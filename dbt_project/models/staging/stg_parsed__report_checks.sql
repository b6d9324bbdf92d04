with source as (

    select * from {{ source('parsed', 'report_checks') }}

),

renamed as (

    select
        sha256 as report_id,
        rule as check_rule,
        scope as check_scope,
        status as check_status,
        detail as check_detail,
        lhs as check_lhs,
        rhs as check_rhs

    from source

)

select * from renamed
