"""Register landed files, parse them, load the staging tables."""

from pathlib import Path

import dagster as dg

from orchestration.defs.metadata import preview, table_metadata
from orchestration.defs.resources import PipelineStorage
from orchestration.parsing import PARSER_VERSION, parse_file
from orchestration.warehouse import duck, raw_store, staging

DUCKDB_POOL = "duckdb"  # one writer per DuckDB file: every step that opens it runs in this pool

# Python asset key of each staging table the parse step writes; dbt sources point at these keys.
PARSED_TABLE_ASSETS = {
    "parsed_reports": "parsed.reports",
    "parsed_table2_cells": "parsed.table2_cells",
    "parsed_table3_cells": "parsed.table3_cells",
    "parsed_table4_cells": "parsed.table4_cells",
    "parsed_narrative_metrics": "parsed.narrative_metrics",
    "parsed_report_checks": "parsed.report_checks",
    "quarantined_files": "ingest.quarantined_files",
}



@dg.asset(
    group_name="ingest",
    pool=DUCKDB_POOL,
    kinds={"python", "duckdb"},
    description="Every file landed in the landing folder, registered once by the sha256 of its "
    "bytes, with an immutable copy in the raw store (table ingest.report_files).",
)
def raw_report_files(context: dg.AssetExecutionContext, storage: PipelineStorage) -> dg.MaterializeResult:
    with duck.connect(storage.warehouse) as con:
        duck.ensure_staging_schema(con)
        outcome = raw_store.register_landed_files(con, Path(storage.landing_dir), Path(storage.raw_dir))
        context.log.info(
            f"{len(outcome.new)} new file(s) registered, {len(outcome.already_known)} seen before"
        )
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "ingest.report_files",
                new_files=len(outcome.new),
                already_registered=len(outcome.already_known),
                landing_dir=dg.MetadataValue.path(storage.landing_dir),
                raw_store=dg.MetadataValue.path(storage.raw_dir),
            )
        )


@dg.multi_asset(
    group_name="parse",
    pool=DUCKDB_POOL,
    specs=[
        dg.AssetSpec(
            key,
            deps=[raw_report_files],
            description=f"Staging table {table}, written by the report parser.",
            kinds={"python", "duckdb"},
        )
        for key, table in PARSED_TABLE_ASSETS.items()
    ],
)
def parsed_report_tables(context: dg.AssetExecutionContext, storage: PipelineStorage):
    """Parse the registered files not yet parsed by this parser version; quarantine the refused."""
    with duck.connect(storage.warehouse) as con:
        duck.ensure_staging_schema(con)
        pending = staging.pending_files(con, PARSER_VERSION)
    context.log.info(f"{len(pending)} file(s) to parse with parser {PARSER_VERSION}")
    outcome = staging.parse_and_load(lambda: duck.connect(storage.warehouse), pending, parse_file, PARSER_VERSION)
    context.log.info(f"parsed for {outcome.parse_seconds:.1f} s, loaded for {outcome.load_seconds:.1f} s")
    with duck.connect(storage.warehouse) as con:
        for key, table in PARSED_TABLE_ASSETS.items():
            extra = {"parser_version": PARSER_VERSION, "rows_written_this_run": outcome.rows_written.get(table, 0)}
            if key == "parsed_reports":
                extra["files_parsed_this_run"] = outcome.parsed
                extra["parse_seconds"] = round(outcome.parse_seconds, 2)
                extra["load_seconds"] = round(outcome.load_seconds, 2)
                extra["reports_by_type"] = preview(
                    con,
                    "select doc_type, layout, count(*) as reports, count(*) filter (where is_template) as templates "
                    "from parsed.reports group by all order by all",
                )
            if key == "quarantined_files":
                extra["files_quarantined_this_run"] = outcome.quarantined
            yield dg.MaterializeResult(asset_key=key, metadata=table_metadata(con, table, **extra))
