"""A run with nothing new rebuilds nothing, and the Dagster UI still shows every check as it
stands: a finding stays a failed WARN check, not "Skipped". The dbt tests' results are carried
forward from the run that evaluated them (and say so), and so are the GX suites on the models,
unless a suite was edited since: that one is evaluated again on the tables as they stand."""

import asyncio
import dataclasses

import dagster as dg
import duckdb
import pytest
from dagster._core.loader import LoadingContextForTest

from tests.test_check_severity import _unbalanced_seed_002
from tests.test_pipeline import run_pipeline, storage_in
from tests.test_subset_runs import INGEST, materialized, run_subset

GX_FINDING = "marts/report_quality:table3_balance"  # the unbalanced report's Table 3
UNKNOWN_ROW = "not_a_table3_row"


def as_the_ui_shows(instance, keys) -> dict[str, tuple]:
    """Each check's execution as the asset checks page shows it (GraphQL's
    executionForLatestMaterialization): the latest one, when it is not older than the asset's
    latest materialization; its status as the UI resolves it (a planned check of a finished run
    is SKIPPED), and its outcome."""
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(keys))

    async def shown():
        context, rows = LoadingContextForTest(instance), {}
        for key in keys:
            record = latest.get(key)
            if record and await record.targets_latest_materialization(context):
                status = (await record.resolve_status(context)).value
                evaluation = record.evaluation if status in ("SUCCEEDED", "FAILED") else None
                outcome = evaluation and (evaluation.passed, evaluation.severity.value)
                rows[key.to_user_string()] = (status, outcome, record.run_id)
            else:
                rows[key.to_user_string()] = None
        return rows

    return asyncio.run(shown())


def without_run_ids(shown: dict) -> dict:
    return {key: row and row[:2] for key, row in shown.items()}


def dbt_findings(shown: dict) -> set[str]:
    from orchestration.defs.quality_checks import SUITES

    gx = {key.to_user_string() for key in SUITES}
    return {key for key, row in shown.items() if key not in gx and row[1] == (False, "WARN")}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    from orchestration.definitions import defs
    from orchestration.defs.dbt_assets import govreports_dbt_assets

    base = tmp_path_factory.mktemp("noop")
    (base / "landing").mkdir()
    (base / "landing" / "unbalanced.txt").write_text(_unbalanced_seed_002(), encoding="utf-8")
    storage = storage_in(base)
    keys = defs.resolve_job_def("govreports_pipeline").asset_layer.asset_graph.asset_check_keys
    with dg.instance_for_test() as instance:
        runs = {"ingest": run_subset(storage, instance, INGEST)}
        # A Table 3 cell under a row code the code list lacks: the dbt relationships tests on
        # row_code (severity warn) fail, a dbt finding beside the GX one of the unbalanced report.
        con = duckdb.connect(storage["warehouse_path"])
        con.execute(f"""insert into parsed.table3_cells (sha256, row_code, column_code, value, raw)
                        select sha256, '{UNKNOWN_ROW}', 'natural_person', 1, '1' from parsed.reports""")
        con.close()
        runs["build"] = run_pipeline(storage, instance)
        shown = {"build": as_the_ui_shows(instance, keys)}
        runs["noop"] = run_pipeline(storage, instance)
        shown["noop"] = as_the_ui_shows(instance, keys)
        # The dbt assets materialized from the UI with nothing new (a selection of the whole project).
        runs["noop_dbt"] = run_subset(storage, instance, list(govreports_dbt_assets.keys))
        shown["noop_dbt"] = as_the_ui_shows(instance, keys)
        # Nothing new, but the finding's suite edited (its query reads the same rows another way).
        from orchestration.defs.quality_checks import SUITES

        gx_key = dg.AssetCheckKey.from_user_string(GX_FINDING)
        suite = SUITES[gx_key]
        SUITES[gx_key] = dataclasses.replace(suite, query=suite.query + "\n-- edited")
        try:
            runs["noop_suite_edited"] = run_pipeline(storage, instance)
        finally:
            SUITES[gx_key] = suite
    # Another Dagster instance (a new DAGSTER_HOME) on the same warehouse has no result to carry.
    with dg.instance_for_test() as fresh:
        runs["new_instance"] = run_pipeline(storage, fresh)
        shown["new_instance"] = as_the_ui_shows(fresh, keys)
    on_dbt_assets = {key.to_user_string() for key in keys if key.asset_key in govreports_dbt_assets.keys}
    yield {"runs": runs, "shown": shown, "on_dbt_assets": on_dbt_assets}


def test_the_build_finds_a_gx_and_a_dbt_warn_finding(scenario):
    build = scenario["shown"]["build"]
    assert scenario["runs"]["build"].success
    assert build[GX_FINDING][:2] == ("FAILED", (False, "WARN"))
    assert dbt_findings(build), "no dbt test failed with WARN severity"
    assert all(row and row[0] in ("SUCCEEDED", "FAILED") for row in build.values())


@pytest.mark.parametrize("run", ["noop", "noop_dbt"])
def test_a_run_with_nothing_new_builds_nothing(scenario, run):
    result = scenario["runs"][run]
    assert result.success
    assert not {key for key in materialized(result) if key.split("/")[0] in ("staging", "intermediate", "marts")}
    assert "published_warehouse" not in materialized(result)


@pytest.mark.parametrize("run", ["noop", "noop_dbt"])
def test_after_a_run_with_nothing_new_the_ui_shows_every_check_as_it_stands(scenario, run):
    shown, run_id = scenario["shown"], scenario["runs"][run].run_id
    # The same outcomes as after the build, findings included, none of them "Skipped" ...
    assert without_run_ids(shown[run]) == without_run_ids(shown["build"])
    assert shown[run][GX_FINDING][:2] == ("FAILED", (False, "WARN"))
    assert dbt_findings(shown[run]) == dbt_findings(shown["build"])
    # ... and reported by this run: the full run reports all, the selection those on the dbt assets.
    expected = scenario["on_dbt_assets"] if run == "noop_dbt" else set(shown[run])
    assert {key for key, row in shown[run].items() if row[2] == run_id} == expected


def test_a_carried_forward_dbt_result_says_where_it_comes_from(scenario):
    from orchestration.defs.dbt_assets import CARRIED_FROM

    runs, [finding, *_] = scenario["runs"], sorted(dbt_findings(scenario["shown"]["build"]))
    [built] = [e for e in runs["build"].get_asset_check_evaluations() if e.asset_check_key.to_user_string() == finding]
    for run in ("noop", "noop_dbt"):
        [carried] = [
            e for e in runs[run].get_asset_check_evaluations() if e.asset_check_key.to_user_string() == finding
        ]
        assert (carried.passed, carried.severity) == (False, dg.AssetCheckSeverity.WARN)
        # Carried forward twice, it still points at the build that evaluated it.
        assert carried.metadata[CARRIED_FROM].value == runs["build"].run_id
        assert carried.description.startswith(f"Carried forward: nothing changed since run {runs['build'].run_id[:8]}")
        assert carried.metadata["dagster_dbt/failed_row_count"] == built.metadata["dagster_dbt/failed_row_count"]


def _evaluation(result, key: str):
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.asset_check_key.to_user_string() == key]
    return evaluation


def test_an_unchanged_gx_suite_is_carried_forward(scenario):
    from orchestration.defs.dbt_assets import CARRIED_FROM

    runs = scenario["runs"]
    built, again = (_evaluation(runs[run], GX_FINDING) for run in ("build", "noop"))
    assert (again.passed, again.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert again.metadata[CARRIED_FROM].value == runs["build"].run_id
    assert again.description.startswith(f"Carried forward: nothing changed since run {runs['build'].run_id[:8]}")
    assert again.target_materialization_data.run_id == runs["build"].run_id  # the tables it was evaluated on
    assert again.metadata["failing_rows"] == built.metadata["failing_rows"]


def test_a_gx_suite_edited_since_its_last_result_is_evaluated_again(scenario):
    from orchestration.defs.dbt_assets import CARRIED_FROM

    runs = scenario["runs"]
    built, again = (_evaluation(runs[run], GX_FINDING) for run in ("build", "noop_suite_edited"))
    assert CARRIED_FROM not in again.metadata and "evaluated_by" in again.metadata
    assert again.metadata["suite_fingerprint"] != built.metadata["suite_fingerprint"]
    assert again.target_materialization_data.run_id == runs["build"].run_id  # the tables it evaluated
    assert again.metadata["failing_rows"] == built.metadata["failing_rows"]
    assert again.description == built.description
    assert not (materialized(runs["noop_suite_edited"]) & {"marts/report_quality", "published_warehouse"})


def test_with_no_result_to_carry_forward_dbt_builds(scenario):
    result, shown = scenario["runs"]["new_instance"], scenario["shown"]["new_instance"]
    assert result.success
    assert {"marts/report_quality", "published_warehouse"} <= materialized(result)
    assert without_run_ids(shown) == without_run_ids(scenario["shown"]["build"])
