"""The copy detector: each report's prose against its agency's previous report and the closest
report of another agency of the same year, after every parse and identity resolution."""

import dagster as dg

from orchestration.defs.ingest_assets import DUCKDB_POOL
from orchestration.defs.metadata import preview, table_metadata
from orchestration.defs.resources import PipelineStorage
from orchestration.similarity import detect
from orchestration.warehouse import duck, similarity_store
from orchestration.warehouse.tables import REPORT_AGENCIES, REPORT_MATCHES, REPORT_SECTIONS, REPORTS

_SUMMARY = f"""select relation, count(*) as reports, count(other_sha256) as with_other,
    round(avg(similarity), 3) as mean_similarity, max(similarity) as max_similarity
    from {REPORT_MATCHES.qualified} group by all order by all"""


@dg.asset(
    name=REPORT_MATCHES.asset_key,
    group_name="similarity",
    pool=DUCKDB_POOL,
    deps=[REPORTS.asset_key, REPORT_SECTIONS.asset_key, REPORT_AGENCIES.asset_key],
    kinds={"python", "duckdb"},
    description=f"{REPORT_MATCHES.description} Table {REPORT_MATCHES.qualified}, by orchestration/similarity "
    "from the sketches of similarity.report_signatures (only reports parsed since are hashed).",
)
def report_matches(context: dg.AssetExecutionContext, storage: PipelineStorage) -> dg.MaterializeResult:
    with duck.connect(storage.warehouse) as con:
        duck.ensure_staging_schema(con)
        outcome = similarity_store.match_into(con)
        seconds = {k: round(v, 2) for k, v in outcome.seconds.items()}
        if outcome.matched:
            context.log.info(
                f"{outcome.hashed} report(s) hashed; {outcome.reports} compared, {outcome.pairs} pair(s) scored, "
                f"{outcome.matches} at or above their threshold, {outcome.truncated_buckets} bucket(s) cut: {seconds}"
            )
        else:
            context.log.info(f"{outcome.hashed} report(s) hashed; no sketch or agency changed: nothing compared")
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                REPORT_MATCHES.qualified,
                method=detect.METHOD,
                compared_this_run=outcome.matched,
                reports_hashed_this_run=outcome.hashed,
                # What this run compared: nothing when no sketch or agency changed (the table is kept).
                pairs_compared_this_run=outcome.pairs,
                truncated_buckets_this_run=outcome.truncated_buckets,
                matches_at_or_above_threshold=outcome.matches,
                bucket_cap=detect.BUCKET_CAP,
                seconds=outcome.seconds.get("total", outcome.seconds.get("hash", 0.0)),
                seconds_by_phase=dg.MetadataValue.json(seconds),
                summary=preview(con, _SUMMARY),
            )
        )
