"""The copy detector as a Dagster asset: after the parse and the identities, before dbt."""

import dagster as dg

from orchestration.definitions import defs
from orchestration.defs.resources import PipelineStorage
from orchestration.defs.similarity_assets import report_matches
from orchestration.warehouse import duck

from .test_detect import OWN_1
from .test_store import _agencies, _load, _result


def test_it_runs_after_the_parse_and_the_identities_and_dbt_reads_it():
    graph = defs.resolve_asset_graph()
    key = dg.AssetKey
    assert graph.get(key("report_matches")).parent_keys == {
        key("parsed_reports"),
        key("parsed_report_sections"),
        key("report_agencies"),
    }
    assert key("report_matches") in graph.get(key(["staging", "stg_similarity__report_matches"])).parent_keys
    assert key("parsed_report_sections") in graph.get(key(["staging", "stg_parsed__report_sections"])).parent_keys


def test_its_metadata_says_what_the_run_did(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duck.connect(warehouse) as con:
        duck.ensure_staging_schema(con)
        _load(con, _result("a22", 2022, OWN_1), _result("a23", 2023, OWN_1.replace("312", "9")))
        _agencies(con, a22="A", a23="A")
    storage = PipelineStorage(warehouse_path=str(warehouse))
    result = dg.materialize([report_matches], resources={"storage": storage})
    metadata = result.asset_materializations_for_node("report_matches")[0].metadata
    assert {name: metadata[name].value for name in ("reports_hashed_this_run", "pairs_compared_this_run")} == {
        "reports_hashed_this_run": 2,
        "pairs_compared_this_run": 1,  # a23 against a22; no report of another agency
    }
    assert metadata["matches_at_or_above_threshold"].value == 1  # 1.0 ≥ 0.8
    assert metadata["truncated_buckets_this_run"].value == 0 and metadata["dagster/row_count"].value == 4
    assert metadata["seconds"].value >= 0

    # A run with nothing new compares nothing, and still says what the table holds.
    again = dg.materialize([report_matches], resources={"storage": storage})
    metadata = again.asset_materializations_for_node("report_matches")[0].metadata
    assert metadata["compared_this_run"].value is False
    assert (metadata["reports_hashed_this_run"].value, metadata["pairs_compared_this_run"].value) == (0, 0)
    assert metadata["matches_at_or_above_threshold"].value == 1 and metadata["dagster/row_count"].value == 4
