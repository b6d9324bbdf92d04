"""The incremental models, built run after run as reports arrive and are re-parsed, hold exactly
what a full rebuild of the same staging tables holds."""

from __future__ import annotations

import shutil

import duckdb
import govreports_dbt_fixtures as fixtures

SHA = fixtures.SHA
# Reports of the first night; the rest arrive the next night. a2023v2 then supersedes a2023v1
# (an old report's is_latest flips) and a2022 arrives after a2023 (the 2023 continuity rule,
# already built, changes).
FIRST_NIGHT = ["a2021", "a2023v1", "a2023summary", "b2020", "c2018", "template"]
NEXT_NIGHT = [key for key in fixtures.REPORTS if key not in FIRST_NIGHT]
MODELS = [
    "intermediate.int_table3_cell_grid",
    "intermediate.int_table3_report_columns",
    "marts.fct_application_outcomes",
    "marts.fct_review_litigation",
    "marts.fct_proactive_disclosure",
    "marts.fct_narrative_metrics",
    "marts.report_quality",
    "marts.dim_report",
    "marts.agency_year_metrics",
    "marts.dim_agency",
    "marts.agency_identity_review",
]


def contents(warehouse, relation: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return sorted(con.execute(f"select * from {relation}").fetchall(), key=repr)


def reparse_without_table4(warehouse, key: str, parsed_at: str) -> None:
    """A re-parse of one report by a parser that no longer reads its Table 4 (so it no longer
    checks it either)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from parsed.table4_cells where sha256 = ?", [SHA[key]])
        con.execute(
            "delete from parsed.report_checks where sha256 = ? and (rule = 'table4_group_total' or scope = 'table4')",
            [SHA[key]],
        )
        con.execute("update parsed.reports set parsed_at = ? where sha256 = ?", [parsed_at, SHA[key]])


def test_incremental_builds_equal_a_full_rebuild(tmp_path):
    warehouse = fixtures.build_warehouse(tmp_path / "warehouse.duckdb", FIRST_NIGHT)
    fixtures.dbt_build(warehouse, tmp_path / "night1")
    before = contents(warehouse, "marts.fct_application_outcomes")
    assert {r[0] for r in before} == {SHA["a2021"], SHA["a2023v1"], SHA["b2020"]}
    assert continuity_of(warehouse)[SHA["a2023v1"]] == "not_assessable"  # no 2022 report yet

    with duckdb.connect(str(warehouse)) as con:
        fixtures.load_reports(con, NEXT_NIGHT, parsed_at="2030-01-02 03:00:00")
    fixtures.dbt_build(warehouse, tmp_path / "night2")
    reparse_without_table4(warehouse, "b2020", "2030-01-03 03:00:00")
    fixtures.dbt_build(warehouse, tmp_path / "night3")

    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copy(warehouse, rebuilt)
    fixtures.dbt_build(rebuilt, tmp_path / "full", "--full-refresh")
    for relation in MODELS:
        assert contents(warehouse, relation) == contents(rebuilt, relation), relation

    # What the incremental runs had to change, changed: the superseded version, the continuity
    # rule of a report built the night before, and the rows of the re-parsed report.
    latest = dict(query_pairs(warehouse, "select distinct report_id, is_latest from marts.fct_application_outcomes"))
    assert latest[SHA["a2023v1"]] is False and latest[SHA["a2023v2"]] is True
    continuity = continuity_of(warehouse)
    assert SHA["a2023v1"] not in continuity and continuity[SHA["a2023v2"]] == "fail"
    assert query_pairs(
        warehouse, f"select count(*), 0 from marts.fct_review_litigation where report_id = '{SHA['b2020']}'"
    ) == [(0, 0)]
    assert query_pairs(
        warehouse,
        f"select count(*), 0 from marts.report_quality where report_id = '{SHA['b2020']}' "
        "and (rule = 'table4_group_total' or scope = 'table4')",
    ) == [(0, 0)]


def query_pairs(warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def continuity_of(warehouse) -> dict[str, str]:
    """report → status of the carried-over continuity rule on the total column."""
    return dict(
        query_pairs(
            warehouse,
            "select report_id, status from marts.report_quality"
            " where rule = 'carried_over_continuity' and scope = 'total'",
        )
    )
