"""Which organ published each report: the identity tables, resolved after every parse."""

import dagster as dg

from orchestration.defs.ingest_assets import DUCKDB_POOL
from orchestration.defs.metadata import preview, table_metadata
from orchestration.defs.resources import PipelineStorage
from orchestration.identity import Mapping
from orchestration.warehouse import duck, identity_store, tables
from orchestration.warehouse.tables import AGENCIES, AGENCY_REVIEW, DIVISIONS, REPORT_AGENCIES, REPORTS

_PREVIEWS = {
    AGENCIES.asset_key: "select level, government_level, level_confidence, identity_basis, count(*) as agencies "
    "from identity.agencies group by all order by agencies desc",
    AGENCY_REVIEW.asset_key: "select kind, count(*) as items from identity.agency_review group by all order by all",
    DIVISIONS.asset_key: "select level, count(*) as divisions from identity.divisions group by all order by all",
    REPORT_AGENCIES.asset_key: "select place_basis, count(*) as reports, count(distinct agency_id) as agencies "
    "from identity.report_agencies group by all order by reports desc",
}


@dg.multi_asset(
    group_name="identity",
    pool=DUCKDB_POOL,
    specs=[
        dg.AssetSpec(
            table.asset_key,
            deps=[REPORTS.asset_key],
            description=f"{table.description} Table {table.qualified}, resolved by orchestration/identity "
            "from the rules and overrides in dbt_project/seeds/agency_*.csv.",
            kinds={"python", "duckdb"},
        )
        for table in tables.IDENTITY
    ],
)
def agency_identities(context: dg.AssetExecutionContext, storage: PipelineStorage):
    """Resolve every report's agency (place, unit, organ), the governments above them, and what
    a person should settle with an override; nothing when no report and no rule changed."""
    mapping = Mapping.load()
    with duck.connect(storage.warehouse) as con:
        duck.ensure_staging_schema(con)
        outcome = identity_store.resolve_into(con, mapping)
        if outcome.resolved:
            context.log.info(
                f"{outcome.reports} report(s) resolved to {outcome.agencies} agencies in {outcome.seconds:.1f} s "
                f"(mapping {mapping.version}); {outcome.reassigned} report(s) changed agency; review: {outcome.review}"
            )
        else:
            context.log.info(f"no new report and mapping {mapping.version} unchanged: nothing resolved")
        for table in tables.IDENTITY:
            extra = {"mapping_version": mapping.version, "resolved_this_run": outcome.resolved}
            if table is REPORT_AGENCIES and outcome.resolved:
                extra["reports_resolved"] = outcome.reports
                extra["reports_that_changed_agency"] = outcome.reassigned
                extra["resolve_seconds"] = round(outcome.seconds, 2)
            if table is AGENCY_REVIEW and outcome.resolved:
                extra["items_by_kind"] = dg.MetadataValue.json(outcome.review or {})
            extra["summary"] = preview(con, _PREVIEWS[table.asset_key])
            yield dg.MaterializeResult(
                asset_key=table.asset_key, metadata=table_metadata(con, table.qualified, **extra)
            )
