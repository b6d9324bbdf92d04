"""Register landed files, parse them, load the staging tables."""

from pathlib import Path

import dagster as dg

from orchestration.collect import ledger_path
from orchestration.defs.collect_assets import collected_reports
from orchestration.defs.metadata import preview, table_metadata
from orchestration.defs.resources import PipelineStorage
from orchestration.parsing import PARSER_VERSION, parse_file
from orchestration.warehouse import collect_store, duck, names, raw_store, staging, tables
from orchestration.warehouse.tables import QUARANTINED_FILES, REPORT_FILES, REPORTS

DUCKDB_POOL = "duckdb"  # one writer per DuckDB file: every step that opens it runs in this pool
_LISTED = 50  # landing entries not registered that the metadata names (the log names them all)


@dg.asset(
    name=REPORT_FILES.asset_key,
    group_name="ingest",
    pool=DUCKDB_POOL,
    deps=[collected_reports],  # lineage: collected files are among those it registers
    kinds={"python", "duckdb"},
    description="Every file landed in the landing folder, registered once by the sha256 of its "
    f"bytes, with an immutable copy in the raw store (table {REPORT_FILES.qualified}).",
)
def raw_report_files(context: dg.AssetExecutionContext, storage: PipelineStorage) -> dg.MaterializeResult:
    with duck.connect(storage.warehouse) as con:
        duck.ensure_staging_schema(con)
        outcome = raw_store.register_landed_files(con, Path(storage.landing_dir), Path(storage.raw_dir))
        # After registering: a file the collector lands meanwhile has its provenance next run.
        collected = collect_store.sync_documents(con, ledger_path(storage.landing_dir))
        context.log.info(f"{len(outcome.new)} new file(s) registered, {len(outcome.already_known)} seen before")
        not_read = [*outcome.refused, *outcome.unreadable]
        for entry in not_read:
            context.log.warning(f"not registered: {names.display_name(str(entry.path))}: {entry.reason}")
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                REPORT_FILES.qualified,
                new_files=len(outcome.new),
                already_registered=len(outcome.already_known),
                # Links, hidden and special files: in ingest.quarantined_files (stage landing).
                quarantined_entries=len(outcome.refused),
                # Could not be read this time (permissions, removed while scanned): tried again next run.
                unreadable_entries=len(outcome.unreadable),
                # Landed by `govreports collect` (ingest.documents says from where).
                collected_documents=collected,
                not_registered=dg.MetadataValue.json(
                    [{"entry": names.display_name(str(e.path)), "why": e.reason} for e in not_read[:_LISTED]]
                ),
                landing_dir=dg.MetadataValue.path(storage.landing_dir),
                raw_store=dg.MetadataValue.path(storage.raw_dir),
            )
        )


@dg.multi_asset(
    group_name="parse",
    pool=DUCKDB_POOL,
    specs=[
        dg.AssetSpec(
            table.asset_key,
            deps=[raw_report_files],
            description=f"{table.description} Staging table {table.qualified}, written by the report parser.",
            kinds={"python", "duckdb"},
        )
        for table in tables.FROM_PARSER
    ],
)
def parsed_report_tables(context: dg.AssetExecutionContext, storage: PipelineStorage):
    """Parse the registered files not yet parsed by this parser version; quarantine the refused."""
    with duck.connect(storage.warehouse) as con:
        duck.ensure_staging_schema(con)
        pending = staging.pending_files(con, PARSER_VERSION)
    budget = staging.ParseBudget.from_settings()
    context.log.info(
        f"{len(pending)} file(s) to parse with parser {PARSER_VERSION}, "
        f"within {budget.seconds:g} s and {budget.memory_mb} MB a file"
    )
    outcome = staging.parse_and_load(
        lambda: duck.connect(storage.warehouse), pending, parse_file, PARSER_VERSION, budget=budget
    )
    context.log.info(f"parsed for {outcome.parse_seconds:.1f} s, loaded for {outcome.load_seconds:.1f} s")
    with duck.connect(storage.warehouse) as con:
        for table in tables.FROM_PARSER:
            extra = {
                "parser_version": PARSER_VERSION,
                "rows_written_this_run": outcome.rows_written.get(table.qualified, 0),
            }
            if table is REPORTS:
                extra["files_parsed_this_run"] = outcome.parsed
                extra["parse_seconds"] = round(outcome.parse_seconds, 2)
                extra["load_seconds"] = round(outcome.load_seconds, 2)
                extra["reports_by_type"] = preview(
                    con,
                    "select doc_type, layout, count(*) as reports, count(*) filter (where is_template) as templates "
                    "from parsed.reports group by all order by all",
                )
            if table is QUARANTINED_FILES:
                extra["files_quarantined_this_run"] = outcome.quarantined
            yield dg.MaterializeResult(
                asset_key=table.asset_key, metadata=table_metadata(con, table.qualified, **extra)
            )
