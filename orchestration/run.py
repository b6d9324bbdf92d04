"""`make run`: materialize every asset once, in process, and print what happened.

Runs are recorded in the Dagster instance at $DAGSTER_HOME, so they show in `make dev`'s UI.
"""
from __future__ import annotations

import sys

import dagster as dg

from orchestration.definitions import defs
from orchestration.warehouse import duck


def summarize(result: dg.ExecuteInProcessResult, warehouse: str) -> str:
    lines = []
    with duck.connect(warehouse, read_only=True) as con:
        lines.append("Reports by type:")
        for doc_type, layout, n, templates in con.execute(
            "select doc_type, coalesce(layout, '-'), count(*), count(*) filter (where is_template) "
            "from parsed.reports group by all order by all"
        ).fetchall():
            lines.append(f"  {doc_type:<16} layout {layout:<9} {n:>6} report(s), {templates} template(s)")
        quarantined = duck.row_count(con, "ingest.quarantined_files")
        lines.append(f"  quarantined files: {quarantined}")
        lines.append("Rows per mart:")
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall():
            lines.append(f"  marts.{table:<30} {duck.row_count(con, f'marts.{table}'):>8}")
    rebuilt = any(m.asset_key.path[0] == "marts" for m in result.get_asset_materialization_events())
    if not rebuilt:
        lines.append("  (nothing changed since the last build: dbt, its checks and the publish step were skipped)")
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]
    lines.append(f"Checks: {len(evaluations) - len(failed)} passed, {len(failed)} failed")
    for e in failed:
        lines.append(f"  FAILED [{e.severity.value}] {e.asset_key.to_user_string()} :: {e.check_name}")
    return "\n".join(lines)


def main() -> int:
    job = defs.resolve_job_def("govreports_pipeline")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            # Step-by-step DEBUG events are in the UI; the terminal gets INFO and the summary.
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            instance=instance,
            raise_on_error=False,
        )
    storage = defs.resources["storage"]
    print(summarize(result, storage.warehouse_path))
    if not result.success:
        print("The run failed; open `make dev` to see the failed step's logs.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
