"""`make run`: materialize every asset once, in process, and print what happened.

Runs are recorded in the Dagster instance at $DAGSTER_HOME, so they show in `make dev`'s UI.
While another run holds the warehouse (another `make run`, or a run of `make dev`) it does not
start: it says which run holds it and exits with status 2 (1: the run failed).
"""

from __future__ import annotations

import contextlib
import sys
import uuid

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from orchestration.definitions import defs
from orchestration.defs.dbt_assets import CARRIED_FROM
from orchestration.defs.resources import owner_tags
from orchestration.warehouse import duck

BUSY = 2  # exit status: another run holds the warehouse, this one did not start


def summarize(result: dg.ExecuteInProcessResult, warehouse: str, instance: dg.DagsterInstance | None = None) -> str:
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
        lines.append("Agencies by level (identity.agencies; to settle by hand: identity.agency_review):")
        for level, n, reporting in con.execute(
            "select level, count(*), count(*) filter (where agency_id in "
            "(select agency_id from identity.report_agencies)) from identity.agencies group by all order by all"
        ).fetchall():
            lines.append(f"  {level:<16} {n:>6} agencies, {reporting} with reports")
        for kind, n in con.execute(
            "select kind, count(*) from identity.agency_review group by all order by all"
        ).fetchall():
            lines.append(f"  review: {kind:<16} {n:>6}")
        lines.append("Findings per rule (marts.report_quality; a report fails a rule when any scope fails):")
        for rule, passed, failed, unassessed in con.execute(
            "with verdicts as (select rule, report_id, case when bool_or(status = 'fail') then 'fail' "
            "when bool_or(status = 'pass') then 'pass' else 'not_assessable' end as verdict "
            "from marts.report_quality group by all) "
            "select rule, count(*) filter (where verdict = 'pass'), count(*) filter (where verdict = 'fail'), "
            "count(*) filter (where verdict = 'not_assessable') from verdicts group by rule order by rule"
        ).fetchall():
            lines.append(f"  {rule:<28} pass {passed:>6}  fail {failed:>6}  not_assessable {unassessed:>6}")
        lines.append("Governments expected to report, per year (marts.government_coverage):")
        for year, expected, reported in con.execute(
            "select report_year, count(*), count(*) filter (where has_report) "
            "from marts.government_coverage group by all order by all"
        ).fetchall():
            lines.append(f"  {year}: {reported} of {expected} published an annual report")
        lines.append("Rows per mart:")
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall():
            lines.append(f"  marts.{table:<30} {duck.row_count(con, f'marts.{table}'):>8}")
    rebuilt = any(m.asset_key.path[0] == "marts" for m in result.get_asset_materialization_events())
    if not rebuilt:
        lines.append(
            "  (nothing changed since the last build: dbt and the publish step did not run; the checks' last "
            "results are carried forward, a GX suite edited since is evaluated again)"
        )
    evaluated = {e.asset_check_key: e for e in result.get_asset_check_evaluations()}
    standing = standing_evaluations(instance, result.job_def, set(evaluated)) if instance else {}
    everything = {**standing, **evaluated}
    failed = sorted((e for e in everything.values() if not e.passed), key=lambda e: e.asset_check_key.to_user_string())
    lines.append(
        f"Checks: {len(everything) - len(failed)} passed, {len(failed)} failed"
        + (f" ({len(standing)} not run now: their last result stands)" if standing else "")
    )
    for e in failed:
        since = (
            " (standing)"
            if e.asset_check_key in standing
            else " (carried forward)"
            if CARRIED_FROM in e.metadata
            else ""
        )
        lines.append(f"  FAILED [{e.severity.value}] {e.asset_key.to_user_string()} :: {e.check_name}{since}")
    return "\n".join(lines)


def standing_evaluations(
    instance: dg.DagsterInstance, job: dg.JobDefinition, evaluated: set[dg.AssetCheckKey]
) -> dict[dg.AssetCheckKey, dg.AssetCheckEvaluation]:
    """The last completed result of each of the job's checks this run did not evaluate (a run
    stopped by a blocking check never reaches the checks downstream of it): a finding stays a
    finding until the data changes."""
    done = {AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED}
    standing = {}
    for key in job.asset_layer.asset_graph.asset_check_keys - evaluated:
        records = instance.event_log_storage.get_asset_check_execution_history(key, limit=1, status=done)
        if records and records[0].event and records[0].event.dagster_event:
            standing[key] = records[0].event.dagster_event.asset_check_evaluation_data
    return standing


def main() -> int:
    job = defs.resolve_job_def("govreports_pipeline")
    storage = defs.resources["storage"]
    run_id = str(uuid.uuid4())
    with contextlib.ExitStack() as held, dg.DagsterInstance.get() as instance:
        try:
            # Claimed before the run exists, so a refused run leaves no failed run behind; the
            # run's storage resource then finds the claim held by this process and keeps it.
            owner = held.enter_context(duck.claim(storage.warehouse, run_id))
        except duck.WarehouseBusy as busy:
            print(f"{busy}: not started (run `make run` again once it has ended).", file=sys.stderr)
            return BUSY
        result = job.execute_in_process(
            # Step-by-step DEBUG events are in the UI; the terminal gets INFO and the summary.
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
            # Tagged from the start: killed at any point, the run is known to be dead.
            tags=owner_tags(owner),
        )
        print(summarize(result, storage.warehouse_path, instance))
    if not result.success:
        print("The run failed; open `make dev` to see the failed step's logs.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
