"""The whole graph, materialized in process on a temporary landing folder holding the seeds."""

import hashlib
import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import SEEDS

BROKEN = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n this is not a PDF body \x00\x01\x02"


def seed(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_pipeline(storage_config: dict, instance, full_rebuild: bool = False) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("govreports_pipeline")
    return job.execute_in_process(
        run_config={
            "resources": {"storage": {"config": storage_config}},
            "ops": {"govreports_dbt_assets": {"config": {"full_rebuild": full_rebuild}}},
        },
        instance=instance,
        raise_on_error=False,
    )


def query(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def marts_snapshot(path):
    tables = [
        t
        for (t,) in query(
            path, "select table_name from information_schema.tables where table_schema='marts' order by 1"
        )
    ]
    return {t: sorted(map(repr, query(path, f"select * from marts.{t}"))) for t in tables}


def storage_in(base: Path) -> dict:
    """The storage resource's config for a pipeline whose landing folder is base/landing."""
    return {
        "landing_dir": str(base / "landing"),
        "raw_dir": str(base / "raw"),
        "warehouse_path": str(base / "warehouse" / "warehouse.duckdb"),
        "published_path": str(base / "published" / "warehouse.duckdb"),
        "gx_dir": str(base / "gx"),
    }


COLLECTED_TITLE = "2021年度政府信息公开工作年度报告"


def _portal_of_seed_002(port: int) -> dict:
    """A portal listing seed 002 as a .txt attachment: the pipeline gets it from `collect`."""
    listing = f'<html><body><ul><li><a href="report.txt">{COLLECTED_TITLE}</a> 2022-01-20</li></ul></body></html>'
    [path] = SEEDS.glob("002_*.txt")
    return {
        "/nb/index.html": (200, {"content-type": "text/html; charset=utf-8"}, listing.encode()),
        "/nb/report.txt": (200, {"content-type": "text/plain"}, path.read_bytes()),
    }


def _collect_seed_002(landing: Path) -> str:
    from orchestration.collect import Source, collect
    from tests.collect.portal import serve

    portal, server = serve(_portal_of_seed_002)
    try:
        outcome = collect([Source("seed-portal", f"{portal.base}/nb/index.html", delay_seconds=0)], landing)
    finally:
        server.shutdown()
        server.server_close()
    [doc] = outcome.landed
    return doc.url


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    base = tmp_path_factory.mktemp("pipeline")
    landing = base / "landing"
    shutil.copytree(SEEDS, landing, ignore=shutil.ignore_patterns("002_*"))
    collected_url = _collect_seed_002(landing)
    (landing / "broken.pdf").write_bytes(BROKEN)
    storage = storage_in(base)
    with dg.instance_for_test() as instance:
        first = run_pipeline(storage, instance)
        snapshot = marts_snapshot(storage["warehouse_path"])
        second = run_pipeline(storage, instance)
        # A BI tool holds the served copy open during a rebuild: it must not block the run.
        reader = duckdb.connect(storage["published_path"], read_only=True)
        rebuild = run_pipeline(storage, instance, full_rebuild=True)
        reader_rows = reader.execute("select count(*) from marts.dim_report").fetchone()[0]
        reader.close()
        yield {
            "first": first,
            "second": second,
            "rebuild": rebuild,
            "snapshot": snapshot,
            "storage": storage,
            "reader_rows": reader_rows,
            "instance": instance,
            "standing_after_second": standing_after(second, instance),
            "collected_url": collected_url,
        }


def standing_after(result, instance) -> dict:
    """Each check's result as `make run` reports it after `result`: this run's, else the last."""
    from orchestration.run import standing_evaluations

    evaluated = {e.asset_check_key: e for e in result.get_asset_check_evaluations()}
    standing = standing_evaluations(instance, result.job_def, set(evaluated))
    return {k.to_user_string(): (e.passed, e.severity.value) for k, e in {**standing, **evaluated}.items()}


def materialization_metadata(result, key):
    [mat] = [m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey(key)]
    return mat.materialization.metadata


def test_the_whole_graph_materializes(pipeline):
    first = pipeline["first"]
    assert first.success
    keys = {m.asset_key.to_user_string() for m in first.get_asset_materialization_events()}
    assert {
        "raw_report_files",
        "parsed_reports",
        "parsed_table3_cells",
        "quarantined_files",
        "marts/dim_report",
        "marts/fct_application_outcomes",
        "marts/report_quality",
        "published_warehouse",
    } <= keys


def test_seed_002_is_a_2021_layout_annual_report_whose_zero_table_balances(pipeline):
    wh, sha = pipeline["storage"]["warehouse_path"], seed("002")
    assert query(wh, "select doc_type, layout, report_year, agency from parsed.reports where sha256 = ?", [sha]) == [
        ("annual_report", "2021", 2023, "同江市繁荣街道")
    ]
    cells = query(wh, "select row_code, column_code, value from parsed.table3_cells where sha256 = ?", [sha])
    assert len(cells) == 25 * 7 and {v for _, _, v in cells} == {0}
    assert len({(r, c) for r, c, _ in cells}) == 175
    balance = query(
        wh, "select scope, status from marts.report_quality where report_id = ? and rule = 'table3_balance'", [sha]
    )
    assert len(balance) == 7 and {s for _, s in balance} == {"pass"}


def test_a_collected_report_is_served_with_where_it_came_from(pipeline):
    published = pipeline["storage"]["published_path"]
    assert query(
        published, "select source_url, listed_title from marts.dim_report where report_id = ?", [seed("002")]
    ) == [(pipeline["collected_url"], COLLECTED_TITLE)]
    assert query(published, "select count(*) from marts.dim_report where source_url is not null") == [(1,)]


def test_seed_004_is_a_freeform_2018_report_with_narrative_numbers(pipeline):
    wh, sha = pipeline["storage"]["warehouse_path"], seed("004")
    [(doc_type, layout, year, agency)] = query(
        wh, "select doc_type, layout, report_year, agency from parsed.reports where sha256 = ?", [sha]
    )
    assert (doc_type, layout, year) == ("annual_report", "freeform", 2018) and "新陶街道" in agency
    metrics = dict(
        query(
            wh,
            "select metric_name, value from parsed.narrative_metrics"
            " where sha256 = ? and metric_name like 'complaints%'",
            [sha],
        )
    )
    assert metrics == {"complaints_received": 45, "complaints_answered": 45}


def test_seed_001_is_read_as_simplified_text_without_pinyin(pipeline):
    wh, sha = pipeline["storage"]["warehouse_path"], seed("001")
    [(script, title, agency, repairs)] = query(
        wh, "select script, title, agency, repairs from parsed.reports where sha256 = ?", [sha]
    )
    assert script == "traditional"
    assert {"pinyin_annotations_removed", "converted_to_simplified"} <= set(repairs)
    assert "宣州区" in agency and "經" not in title and "政务公开" in title
    assert not re.search(r"\([a-zü\u0101-\u01dc]+\)", title)


def test_seed_003_is_a_template_that_contributes_no_numbers(pipeline):
    wh, sha = pipeline["storage"]["warehouse_path"], seed("003")
    assert query(wh, "select is_template from parsed.reports where sha256 = ?", [sha]) == [(True,)]
    for table in ("parsed.table2_cells", "parsed.table3_cells", "parsed.table4_cells"):
        assert query(wh, f"select count(*) from {table} where sha256 = ? and value is not null", [sha]) == [(0,)]
    assert query(wh, "select count(*) from parsed.narrative_metrics where sha256 = ?", [sha]) == [(0,)]


def test_an_unreadable_file_is_quarantined_with_its_reason_and_kept(pipeline):
    wh = pipeline["storage"]["warehouse_path"]
    sha = hashlib.sha256(BROKEN).hexdigest()
    [(name, reason, raw_path)] = query(wh, "select file_name, reason, raw_path from ingest.quarantined_files")
    assert name == "broken.pdf" and reason
    assert Path(raw_path).read_bytes() == BROKEN and sha in raw_path
    # every landed file is accounted for: parsed or quarantined
    assert query(
        wh,
        """select count(*) from ingest.report_files f
                        where f.sha256 not in (select sha256 from parsed.reports)
                          and f.sha256 not in (select sha256 from ingest.quarantined_files)""",
    ) == [(0,)]
    assert query(wh, "select count(*) from ingest.report_files") == [(6,)]


def test_a_second_run_processes_nothing_again_and_leaves_the_warehouse_the_same(pipeline):
    second = pipeline["second"]
    assert second.success
    assert materialization_metadata(second, "raw_report_files")["new_files"].value == 0
    assert materialization_metadata(second, "parsed_reports")["files_parsed_this_run"].value == 0
    # nothing changed since the last build: dbt and the publish step are skipped
    materialized = {m.asset_key for m in second.get_asset_materialization_events()}
    assert not any(key.path[0] in ("staging", "marts") for key in materialized)
    assert dg.AssetKey("published_warehouse") not in materialized
    assert marts_snapshot(pipeline["storage"]["warehouse_path"]) == pipeline["snapshot"]


def test_a_run_with_nothing_new_reports_every_check_as_it_stands(pipeline):
    # The run rebuilt nothing, yet reports every check, the same as the first run (dbt tests carried
    # forward, and GX suites unless edited since; tests/test_noop_runs.py shows them as the UI does).
    first, second = (
        {
            e.asset_check_key.to_user_string(): (e.passed, e.severity.value)
            for e in pipeline[run].get_asset_check_evaluations()
        }
        for run in ("first", "second")
    )
    assert second == first
    assert pipeline["standing_after_second"] == first
    from orchestration.run import summarize

    summary = summarize(pipeline["second"], pipeline["storage"]["warehouse_path"], pipeline["instance"])
    failed = sum(1 for passed, _ in first.values() if not passed)
    assert f"Checks: {len(first) - failed} passed, {failed} failed" in summary
    # the seeds' findings per rule and who published, from the warehouse the run left
    assert "  published_on_time " in summary and "  text_matches_table " in summary
    assert " published an annual report" in summary


def test_a_forced_rebuild_of_the_same_data_gives_the_same_warehouse(pipeline):
    rebuild = pipeline["rebuild"]
    assert rebuild.success
    assert materialization_metadata(rebuild, "parsed_reports")["files_parsed_this_run"].value == 0
    assert dg.AssetKey(["marts", "report_quality"]) in {m.asset_key for m in rebuild.get_asset_materialization_events()}
    assert marts_snapshot(pipeline["storage"]["warehouse_path"]) == pipeline["snapshot"]


def test_bi_readers_get_a_published_copy_that_never_blocks_a_run(pipeline):
    published = pipeline["storage"]["published_path"]
    assert query(published, "select count(*) from marts.dim_report") == [(5,)]
    assert pipeline["reader_rows"] == 5  # the open reader kept reading while the run republished
    assert dg.AssetKey("published_warehouse") in {
        m.asset_key for m in pipeline["rebuild"].get_asset_materialization_events()
    }


def test_checks_link_to_great_expectations_data_docs(pipeline):
    [balance] = [e for e in pipeline["first"].get_asset_check_evaluations() if e.check_name == "table3_balance"]
    assert balance.passed
    docs = Path(balance.metadata["data_docs"].value.removeprefix("file://"))
    assert docs.name == "index.html" and docs.exists()
    assert "table3_balance" in docs.read_text(encoding="utf-8")


def test_the_readme_queries_run_on_the_published_warehouse(pipeline):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    assert len(queries) >= 6
    results = {sql.splitlines()[0]: query(pipeline["storage"]["published_path"], sql) for sql in queries}
    # on the seeds: 同江市繁荣街道 received 0 applications in 2023
    received = results["-- How many applications did each agency receive?"]
    assert ("同江市繁荣街道", 2023, 0) in [row[:3] for row in received]
