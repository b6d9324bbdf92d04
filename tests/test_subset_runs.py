"""Materializing part of the graph, as a data engineer does from the Dagster UI: a subset of the
dbt assets builds what was selected, and never makes a later full run skip what it did not build."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import SEEDS
from tests.test_pipeline import query, run_pipeline, storage_in

NEW_REPORT = Path(__file__).parent / "fixtures" / "real_reports" / "raw" / "002.txt"
INGEST = [dg.AssetKey("raw_report_files")] + [
    dg.AssetKey(k)
    for k in (
        "parsed_reports",
        "parsed_table2_cells",
        "parsed_table3_cells",
        "parsed_table4_cells",
        "parsed_narrative_metrics",
        "parsed_report_checks",
        "parsed_report_sections",
        "quarantined_files",
    )
]


def run_subset(storage: dict, instance, keys: list[dg.AssetKey]) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    return defs.resolve_job_def("govreports_pipeline").execute_in_process(
        run_config={"resources": {"storage": {"config": storage}}},
        instance=instance,
        asset_selection=keys,
        raise_on_error=False,
    )


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    base = tmp_path_factory.mktemp("subset")
    landing = base / "landing"
    shutil.copytree(SEEDS, landing)
    storage = storage_in(base)
    with dg.instance_for_test() as instance:
        runs = {"full": run_pipeline(storage, instance)}
        # Nothing new since that build, and one mart is materialized alone.
        runs["one_mart_nothing_new"] = run_subset(storage, instance, [dg.AssetKey(["marts", "agency_year_metrics"])])
        # A new file lands; ingest and parse are materialized, then one mart alone, then a full run.
        shutil.copy(NEW_REPORT, landing / "pingtan_scj_2023.txt")
        runs["ingest"] = run_subset(storage, instance, INGEST)
        runs["dim_agency"] = run_subset(storage, instance, [dg.AssetKey(["marts", "dim_agency"])])
        runs["next_full"] = run_pipeline(storage, instance)
        yield {"runs": runs, "storage": storage}


def test_materializing_one_mart_with_nothing_new_builds_it(scenario):
    run = scenario["runs"]["one_mart_nothing_new"]
    assert run.success
    assert materialized(run) == {"marts/agency_year_metrics"}


def test_a_mart_built_alone_does_not_make_the_next_full_run_skip(scenario):
    runs, storage = scenario["runs"], scenario["storage"]
    assert all(r.success for r in runs.values())
    assert materialized(runs["dim_agency"]) == {"marts/dim_agency"}
    # The subset built dim_agency from the new staging rows but not the rest: the full run builds
    # every model and republishes, so the served warehouse holds every parsed report.
    assert {"marts/dim_report", "marts/fct_application_outcomes", "published_warehouse"} <= materialized(
        runs["next_full"]
    )
    parsed = query(storage["warehouse_path"], "select count(*) from parsed.reports")
    assert parsed == [(6,)]
    assert query(storage["published_path"], "select count(*) from marts.dim_report") == parsed
    cells = query(
        storage["published_path"],
        """select count(*) from marts.fct_application_outcomes f
                                                join marts.dim_report r using (report_id)
                                                where r.file_name = 'pingtan_scj_2023.txt'""",
    )
    assert cells == [(175,)]
