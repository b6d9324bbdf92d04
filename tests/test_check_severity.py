"""A report that breaks its own arithmetic is a finding; a broken pipeline invariant stops publishing."""

import dagster as dg
import duckdb
import pytest

from tests.conftest import SEEDS
from tests.test_pipeline import query, run_pipeline


def _unbalanced_seed_002() -> str:
    """Seed 002 with one Table 3 cell changed: 3 new applications from natural persons, total 0."""
    [path] = SEEDS.glob("002_*.txt")
    text = path.read_text(encoding="utf-8")
    label = "一、本年新收政府信息公开申请数量\n\n0"
    assert text.count(label) == 1
    return text.replace(label, "一、本年新收政府信息公开申请数量\n\n3")


def _check(result, name):
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    return evaluation


def _materialized(result):
    return {m.asset_key for m in result.get_asset_materialization_events()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("severity")
    (base / "landing").mkdir()
    (base / "landing" / "unbalanced.txt").write_text(_unbalanced_seed_002(), encoding="utf-8")
    storage = {
        "landing_dir": str(base / "landing"),
        "raw_dir": str(base / "raw"),
        "warehouse_path": str(base / "warehouse" / "warehouse.duckdb"),
        "published_path": str(base / "published" / "warehouse.duckdb"),
        "gx_dir": str(base / "gx"),
    }
    with dg.instance_for_test() as instance:
        finding = run_pipeline(storage, instance)
        # Break an invariant: a Table 3 cell whose report does not exist.
        con = duckdb.connect(storage["warehouse_path"])
        con.execute("insert into parsed.table3_cells values ('f' || repeat('0', 63), 'granted', 'total', 1, '1')")
        con.close()
        broken = run_pipeline(storage, instance)
        yield {"finding": finding, "broken": broken, "storage": storage}


def test_a_finding_is_a_warn_check_with_the_numbers_and_the_run_goes_on(runs):
    result = runs["finding"]
    balance = _check(result, "table3_balance")
    assert not balance.passed and balance.severity == dg.AssetCheckSeverity.WARN
    failing = balance.metadata["failing_rows"].value
    assert [(row["scopes_broken"], row["broken_scopes"]) for row in failing] == [
        (1, "natural_person: new_received 3 + carried_over 0 = 3 ≠ total_handled 0 + carried_forward 0 = 0")
    ]
    assert result.success
    assert dg.AssetKey("published_warehouse") in _materialized(result)
    wh = runs["storage"]["warehouse_path"]
    assert query(
        wh, "select scope, lhs, rhs from marts.report_quality where rule = 'table3_balance' and status = 'fail'"
    ) == [("natural_person", 3.0, 0.0)]
    assert query(wh, "select quality_status from marts.dim_report") == [("inconsistent",)]


def test_a_broken_invariant_is_an_error_check_that_stops_the_marts_from_being_published(runs):
    result = runs["broken"]
    orphan = _check(result, "rows_have_reports")
    assert not orphan.passed and orphan.severity == dg.AssetCheckSeverity.ERROR
    materialized = _materialized(result)
    assert dg.AssetKey("published_warehouse") not in materialized
    assert not any(key.path[0] == "marts" for key in materialized)
