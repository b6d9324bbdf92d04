"""The dbt project as Dagster assets: one graph with the Python assets through the dbt sources."""

import contextlib
import json
import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData as TargetMaterialization,
)
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecord
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from pydantic import Field

from orchestration import settings
from orchestration.defs.ingest_assets import DUCKDB_POOL
from orchestration.defs.metadata import preview
from orchestration.defs.project import dbt_project
from orchestration.defs.quality_checks import SUITE_FINGERPRINT, SUITES, evaluate
from orchestration.defs.resources import PipelineStorage
from orchestration.warehouse import build_state, duck
from orchestration.warehouse.publish import published_build


@contextlib.contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ with `values` set inside the block, and as it was before after it."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_DBT_STOP_SECONDS = 10


def read_events(invocation) -> list:
    """Every event of a dbt invocation. dagster-dbt stops the dbt process on an interrupt only: on
    any other failure while its events are read (a manifest older than the project, say) dbt
    would live on, blocked on its full stdout pipe and holding the warehouse, and the next run
    would wait for it for good. So it is stopped here, then the failure raised."""
    try:
        return list(invocation.stream())
    except BaseException:
        process = invocation.process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=_DBT_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        raise


def _shown(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def check_description(node: Mapping[str, Any]) -> str:
    """What a dbt test checks, in words, for its Dagster check: the test's own description, or
    what its name and arguments say, and what a failure does."""
    severity = (node.get("config", {}).get("severity") or "error").lower()
    consequence = (
        "Severity warn: a failure is a finding, and the run goes on."
        if severity == "warn"
        else "Severity error: a failure blocks what is downstream."
    )
    if node.get("description"):
        return f"{node['description']} {consequence}"
    generic = node.get("test_metadata") or {}
    if not generic:
        source = node.get("original_file_path", node["name"])
        return f"dbt singular test {source}: its query returns the failing rows. {consequence}"
    arguments = {k: v for k, v in generic.get("kwargs", {}).items() if k != "model"}
    column = arguments.pop("column_name", None)
    said = f"dbt {generic['name']} test" + (f" on column {column}" if column else "")
    if arguments:
        said += " (" + "; ".join(f"{k}: {_shown(v)}" for k, v in arguments.items()) + ")"
    return f"{said}. {consequence}"


class GovreportsTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # staging / intermediate / marts / seeds, as the dbt folders are laid out
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        # dagster-dbt reads a check's description from the test's meta only, so most dbt tests
        # showed "No description provided" in the UI.
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=check_description(manifest["nodes"][unique_id]))


def _tables(manifest_path) -> dict[str, str]:
    """unique_id → schema.table of every dbt model stored as a table, and every seed.

    Views are left out: counting or previewing one runs its whole query again (seconds on the
    bigger intermediate views at 10,000 reports)."""
    nodes = json.loads(manifest_path.read_text(encoding="utf-8"))["nodes"]
    return {
        uid: f"{node['schema']}.{node['alias']}"
        for uid, node in nodes.items()
        if node["resource_type"] == "seed"
        or (node["resource_type"] == "model" and node["config"].get("materialized") in ("table", "incremental"))
    }


def _with_row_counts(events: list, warehouse: str) -> list:
    """Attach row counts and previews to each dbt table's materialization.

    Counted after `dbt build` exits: DuckDB refuses a second connection while dbt writes, and
    dagster-dbt's own fetch_row_counts() leaves the file open inside in-process runs.
    """
    relations = _tables(dbt_project.manifest_path)
    counted = []
    # Built as a list so the connection is closed before Dagster handles any event.
    with duck.connect(warehouse, read_only=True) as con:
        for event in events:
            unique_id = event.metadata.get("unique_id") if isinstance(event, dg.Output) else None
            relation = relations.get(unique_id.value) if unique_id else None
            if relation:
                event = event.with_metadata(
                    {
                        **event.metadata,
                        "dagster/row_count": duck.row_count(con, relation),
                        "table": relation,
                        "preview": preview(con, f"select * from {relation}"),
                    }
                )
            counted.append(event)
    return counted


# Metadata of a check result carried forward: the run whose evaluation it repeats.
CARRIED_FROM = "carried_forward_from_run"


def _last_results(
    context: dg.AssetExecutionContext, keys: Iterable[dg.AssetCheckKey]
) -> dict[dg.AssetCheckKey, AssetCheckExecutionRecord]:
    """The last completed evaluation of each of these checks, if this Dagster instance has one."""
    summaries = context.instance.event_log_storage.get_asset_check_summary_records(list(keys))
    return {
        key: s.last_completed_check_execution_record
        for key, s in summaries.items()
        if s.last_completed_check_execution_record
    }


def _carried(record: AssetCheckExecutionRecord) -> tuple[str | None, dict]:
    """The description and metadata of a result reported again, saying so. A result carried
    forward again keeps pointing at the run that evaluated it."""
    evaluation = record.evaluation
    metadata, description = dict(evaluation.metadata), evaluation.description
    # No check ran now: a duration would plot as if one had.
    metadata.pop("Execution Duration", None)
    if CARRIED_FROM not in metadata:
        at = datetime.fromtimestamp(record.event.timestamp, UTC)
        metadata[CARRIED_FROM] = dg.MetadataValue.dagster_run(record.run_id)
        metadata["evaluated_at"] = dg.MetadataValue.timestamp(at)
        carried = f"Carried forward: nothing changed since run {record.run_id[:8]} evaluated it"
        carried += f" at {at:%Y-%m-%d %H:%M:%S} UTC."
        description = f"{carried} {description}" if description else carried
    return description, metadata


def _carried_forward(record: AssetCheckExecutionRecord) -> dg.AssetCheckResult:
    """A dbt test's last result: with the same tables and the same test code (both in the build
    state) dbt would find the same."""
    description, metadata = _carried(record)
    evaluation = record.evaluation
    return dg.AssetCheckResult(
        asset_key=evaluation.asset_key,
        check_name=evaluation.check_name,
        passed=evaluation.passed,
        severity=evaluation.severity,
        description=description,
        metadata=metadata,
    )


def _suite_results(context: dg.AssetExecutionContext, storage: PipelineStorage) -> Iterator[dg.AssetCheckEvaluation]:
    """This run's GX checks on the models. Dagster skips a check's own step when the step
    upstream yields no output for its asset, as this one does when it rebuilds nothing; so their
    results are reported from here (an AssetCheckEvaluation is how a step reports a check it does
    not define). The tables are unchanged, so a suite whose definition is the one its last result
    came from is carried forward; a suite edited since is evaluated on the tables as they stand."""
    keys = [
        key
        for key in context.job_def.asset_layer.asset_graph.asset_check_keys
        if key in SUITES and key.asset_key in context.selected_asset_keys
    ]
    last = _last_results(context, keys)
    for key in keys:
        suite, record = SUITES[key], last.get(key)
        fingerprint = record and record.evaluation.metadata.get(SUITE_FINGERPRINT)
        if fingerprint and fingerprint.value == suite.fingerprint:
            description, metadata = _carried(record)
            evaluation = record.evaluation
            passed, severity, target = evaluation.passed, evaluation.severity, evaluation.target_materialization_data
        else:
            result = evaluate(suite, storage, context.run.run_id)
            # The tables evaluated are those of the asset's last materialization: the UI links it.
            built = context.instance.fetch_materializations(key.asset_key, limit=1).records
            target = (
                TargetMaterialization(
                    storage_id=built[0].storage_id, run_id=built[0].run_id, timestamp=built[0].timestamp
                )
                if built
                else None
            )
            passed, severity, description = result.passed, result.severity, result.description
            # The run shows this check's own step as skipped: say where its result comes from.
            metadata = {
                **result.metadata,
                "evaluated_by": f"{context.op_def.name}: nothing to rebuild, so Dagster skipped this check's own step",
            }
        yield dg.AssetCheckEvaluation(
            asset_key=key.asset_key,
            check_name=key.name,
            passed=passed,
            severity=severity,
            description=description,
            blocking=suite.severity == "error",
            target_materialization_data=target,
            metadata=metadata,
        )


class DbtBuildConfig(dg.Config):
    full_rebuild: bool = Field(
        default=False,
        description="Rebuild every model from scratch (dbt --full-refresh), even when the staging tables "
        "and dbt project are unchanged since the last build.",
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=GovreportsTranslator(),
    pool=DUCKDB_POOL,
)
def govreports_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, storage: PipelineStorage, config: DbtBuildConfig
):
    # In a subset run `context.assets_def` is the subset: compare with the whole definition.
    whole_project = context.selected_asset_keys >= govreports_dbt_assets.keys
    with duck.connect(storage.warehouse) as con:
        duck.ensure_staging_schema(con)
        # The dbt code as the manifest holds it now (read per run: ~10 ms), not as it was at import.
        code = build_state.code_checksum(dbt_project.manifest_path)
        state, last = build_state.current(con, code), build_state.last_built(con)
    if whole_project and not config.full_rebuild and last == state:
        last_results = _last_results(context, context.selected_asset_check_keys)
        if published_build(storage.published) != state.fingerprint:
            # A run killed (or stopped by a blocking check) after dbt and before the publish step:
            # skipping again would leave BI readers on the build before, for good.
            context.log.info(
                "staging tables and dbt project unchanged since the last build, but the published copy "
                "does not hold that build: building, so that this run publishes it"
            )
        elif last_results.keys() == context.selected_asset_check_keys:
            # Nothing to rebuild: no model is materialized and the published copy is skipped, but every
            # check still reports where it stands (else the UI shows it "Skipped", a finding hidden).
            context.log.info(
                "staging tables and dbt project unchanged since the last build: dbt not run; "
                "the checks' last results are carried forward (a GX suite edited since is evaluated again)"
            )
            yield from map(_carried_forward, last_results.values())
            yield from _suite_results(context, storage)
            return
        else:
            context.log.info("nothing changed, but some dbt tests have no result in this Dagster instance: building")
    args = build_state.dbt_build_args(last, state, full_rebuild=config.full_rebuild)
    if "--full-refresh" in args:
        context.log.info("building every model from scratch (dbt --full-refresh)")
    # dbt's profiles.yml reads the warehouse path from the environment: set for the dbt process
    # only (dagster-dbt copies os.environ when it starts it), not left behind for the next resource.
    with environment({settings.WAREHOUSE_ENV: storage.warehouse_path}):
        invocation = dbt.cli(args, context=context, raise_on_error=False)
    events = read_events(invocation)
    yield from _with_row_counts(events, storage.warehouse_path)
    # Fail after reporting what did build, so the publish step downstream does not run.
    if not invocation.is_successful():
        raise invocation.get_error() or dg.Failure("dbt build failed")
    # Only a build of every model may say the warehouse is built from the staging tables as
    # they are: after a subset, the next full run must still build the rest.
    if whole_project:
        with duck.connect(storage.warehouse) as con:
            build_state.record_build(con, state)
    else:
        context.log.info("a subset was built: the build state is not recorded, so the next full run builds the rest")
