"""Great Expectations suites of expectations/ as Dagster asset checks.

A `warn` suite is a finding (a report that does not add up): the check fails with WARN severity
and the run goes on. An `error` suite guards a pipeline invariant: the check is blocking, so a
failure stops everything downstream of the guarded asset, including the published copy.
"""

from pathlib import Path

import dagster as dg

from orchestration.defs.ingest_assets import DUCKDB_POOL
from orchestration.defs.resources import PipelineStorage
from orchestration.quality import Suite, build_data_docs, load_suites, run_suite
from orchestration.settings import EXPECTATIONS_DIR

SEVERITY = {"warn": dg.AssetCheckSeverity.WARN, "error": dg.AssetCheckSeverity.ERROR}
# Metadata of a result: the suite definition it came from (Suite.fingerprint).
SUITE_FINGERPRINT = "suite_fingerprint"


def evaluate(suite: Suite, storage: PipelineStorage, run_id: str) -> dg.AssetCheckResult:
    """Run the suite on the warehouse as it is now."""
    result = run_suite(suite, storage.warehouse_path)
    # One Data Docs site for all suites; pages are named after the Dagster run.
    docs = build_data_docs([result], Path(storage.gx_dir) / "docs", run_name=run_id)
    return dg.AssetCheckResult(
        passed=result.passed,
        severity=SEVERITY[suite.severity],
        description=result.summary,
        metadata={
            "rows_evaluated": result.evaluated,
            "failing_rows": dg.MetadataValue.json(result.failing_rows),
            "data_docs": dg.MetadataValue.url(Path(docs).as_uri()) if docs else None,
            "query": dg.MetadataValue.md(f"```sql\n{suite.query.strip()}\n```"),
            SUITE_FINGERPRINT: suite.fingerprint,
        },
    )


def _check_for(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey.from_user_string(suite.asset),
        name=suite.name,
        description=f"[{suite.severity}] {suite.title}",
        blocking=suite.severity == "error",
        pool=DUCKDB_POOL,
        metadata={"severity": suite.severity, "suite_file": f"expectations/{suite.file}"},
    )
    def _check(context: dg.AssetCheckExecutionContext, storage: PipelineStorage) -> dg.AssetCheckResult:
        return evaluate(suite, storage, context.run.run_id)

    return _check


SUITES = {
    dg.AssetCheckKey(dg.AssetKey.from_user_string(suite.asset), suite.name): suite
    for suite in load_suites(EXPECTATIONS_DIR)
}
quality_checks = [_check_for(suite) for suite in SUITES.values()]
