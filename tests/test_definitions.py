"""The Dagster code location as a person sees it in the UI: assets, checks, schedule, sensor."""

import os

import dagster as dg

from orchestration.definitions import defs
from orchestration.defs.automation import landing_sensor, nightly_schedule
from orchestration.defs.resources import PipelineStorage
from orchestration.quality import load_suites
from orchestration.settings import EXPECTATIONS_DIR


def _asset_graph():
    return defs.resolve_asset_graph()


def test_definitions_load_and_every_check_targets_a_real_asset():
    defs.validate_loadable(defs)
    graph = _asset_graph()
    materializable = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    check_keys = graph.asset_check_keys
    assert check_keys, "no asset checks"
    # A check on a misspelled key would silently create an unmaterializable placeholder asset.
    assert {key.asset_key for key in check_keys} <= materializable


def test_the_graph_is_one_lineage_from_raw_files_to_the_published_copy():
    graph = _asset_graph()
    key = dg.AssetKey
    assert key("raw_report_files") in graph.get(key("parsed_reports")).parent_keys
    # dbt sources resolve to the Python assets, so staging models hang below them
    assert key("parsed_table3_cells") in graph.get(key(["staging", "stg_parsed__table3_cells"])).parent_keys
    # the identity asset resolves the parsed reports, and dbt reads its tables
    assert key("parsed_reports") in graph.get(key("report_agencies")).parent_keys
    assert key("report_agencies") in graph.get(key(["staging", "stg_identity__report_agencies"])).parent_keys
    marts = {k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert {
        "dim_report",
        "dim_agency",
        "agency_identity_review",
        "fct_application_outcomes",
        "fct_review_litigation",
        "fct_proactive_disclosure",
        "fct_narrative_metrics",
        "agency_year_metrics",
        "region_year_metrics",
        "report_quality",
    } <= {k.path[-1] for k in marts}
    assert marts <= graph.get(key("published_warehouse")).parent_keys


def test_every_gx_suite_is_a_check_whose_blocking_follows_its_severity():
    graph = _asset_graph()
    specs = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    for suite in load_suites(EXPECTATIONS_DIR):
        spec = specs[suite.name]
        assert spec.asset_key == dg.AssetKey.from_user_string(suite.asset)
        assert spec.blocking == (suite.severity == "error"), suite.name
        assert spec.metadata["severity"] == suite.severity


def test_nightly_schedule_runs_at_two_in_shanghai():
    assert nightly_schedule.cron_schedule == "0 2 * * *"
    assert nightly_schedule.execution_timezone == "Asia/Shanghai"
    assert nightly_schedule.job_name == "govreports_pipeline"


def test_sensor_requests_a_run_for_new_or_changed_files_only(tmp_path):
    storage = PipelineStorage(landing_dir=str(tmp_path))
    (tmp_path / "a.txt").write_text("一", encoding="utf-8")

    def evaluate(cursor):
        context = dg.build_sensor_context(cursor=cursor, resources={"storage": storage})
        return landing_sensor(context), context.cursor

    first, cursor = evaluate(None)
    assert isinstance(first, dg.RunRequest)
    quiet, cursor = evaluate(cursor)
    assert isinstance(quiet, dg.SkipReason)
    b = tmp_path / "b.txt"
    b.write_text("二", encoding="utf-8")
    later = (tmp_path / "a.txt").stat().st_mtime_ns + 10**9
    os.utime(b, ns=(later, later))
    again, cursor = evaluate(cursor)
    assert isinstance(again, dg.RunRequest) and again.tags["govreports/new_files"] == "1"
    assert again.run_key != first.run_key
    assert len(cursor) < 200  # a digest, not a listing of the landing folder


def test_collecting_is_a_job_and_schedule_of_its_own_upstream_of_the_raw_files():
    graph = _asset_graph()
    key = dg.AssetKey
    assert key("collected_reports") in graph.get(key("raw_report_files")).parent_keys
    # The nightly pipeline (and `make run`) never crawls; the collect job only crawls.
    assert key("collected_reports") not in defs.resolve_job_def("govreports_pipeline").asset_layer.selected_asset_keys
    assert defs.resolve_job_def("collect").asset_layer.selected_asset_keys == {key("collected_reports")}
    schedule = defs.resolve_schedule_def("daily_collect")
    assert schedule.job_name == "collect" and schedule.default_status == dg.DefaultScheduleStatus.STOPPED


def test_every_check_has_a_description_that_says_what_a_failure_does():
    specs = [spec for checks in defs.asset_checks or [] for spec in checks.check_specs]
    specs += [spec for assets in defs.assets if hasattr(assets, "check_specs") for spec in assets.check_specs]
    assert len(specs) > 100
    assert all(spec.description for spec in specs), [spec.key for spec in specs if not spec.description]
    by_name = {spec.key.name: spec.description for spec in specs}
    assert by_name["accepted_values_report_quality_status__pass__fail__not_assessable"] == (
        "dbt accepted_values test on column status (values: pass, fail, not_assessable). "
        "Severity error: a failure blocks what is downstream."
    )
