"""Builds the dbt project on the fixture warehouse (tests/dbt/fixtures.py) and checks the marts' numbers."""

from __future__ import annotations

import json

import govreports_dbt_fixtures as fixtures
import pytest

from orchestration.parsing.codes import TABLE3_COLUMN_CODES
from orchestration.warehouse import tables

SHA = fixtures.SHA


query = fixtures.query


def test_schemas_are_named_exactly(built):
    warehouse, _ = built
    schemas = {r["schema_name"] for r in query(warehouse, "select schema_name from information_schema.schemata")}
    assert {"ingest", "parsed", "staging", "intermediate", "marts", "seeds"} <= schemas
    assert not any(s.startswith("main_") for s in schemas)


def test_sources_map_to_dagster_assets(built):
    _, target = built
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    keys = {f"{s['source_name']}.{s['name']}": s["meta"]["dagster"]["asset_key"] for s in manifest["sources"].values()}
    assert keys == {t.qualified: [t.asset_key] for t in tables.SOURCES}


METRIC_COLUMNS = [
    "report_id",
    "applications_received",
    "carried_over",
    "handled",
    "carried_forward",
    "granted",
    "partially_granted",
    "denied",
    "unavailable",
    "grant_rate",
    "denial_rate",
    "unavailable_rate",
    "review_correction_rate",
    "litigation_correction_rate",
    "fees_10k_yuan",
    "regulations_in_force",
    "normative_documents_in_force",
    "previous_applications_received",
    "applications_received_yoy_change",
    "grant_rate_yoy_change",
]

# (agency, year): the values of METRIC_COLUMNS, by hand from the fixture tables; laid out by
# groups of columns with their comments, so the formatter leaves it as it is.
# fmt: off
EXPECTED_AGENCY_YEARS = {
    ("新陶街道", 2018): ["c2018"] + [None] * 19,
    ("宣州区经济和信息化局", 2020): [
        "b2020", 4, 0, 3, 1, 2, 0, 0, 0, 2 / 3, 0.0, 0.0,
        None, None,  # Table 4 all zero: no decided case
        None, None, None,  # 2019 layout has no fee amount nor in-force counts
        None, None, None,
    ],
    ("宣州区经济和信息化局", 2021): [
        "b2021", 0, 1, 0, 1, 0, 0, 0, 0, None, None, None,  # nothing handled: rates null, not 0
        None, None,  # review blank; litigation all zero
        None, None, 4,  # regulations in force printed blank
        4, -4, None,
    ],
    ("同江市繁荣街道", 2021): [
        "a2021", 12, 0, 11, 1, 6, 2, 1, 1, 8 / 11, 1 / 11, 1 / 11,
        None, None, None, None, None,
        None, None, None,
    ],
    ("同江市繁荣街道", 2022): [
        "a2022", 20, 1, 18, 3, 10, 5, 2, 0, 15 / 18, 2 / 18, 0.0,
        1 / 4, 0.0, 1.5, 0, 12,
        12, 8, 15 / 18 - 8 / 11,
    ],
    ("同江市繁荣街道", 2023): [  # the republished version a2023v2, not a2023v1
        "a2023v2", 5, 2, 4, 3, 3, 0, 0, 1, 3 / 4, 0.0, 1 / 4,
        None, None, None, None, None,
        20, -15, 3 / 4 - 15 / 18,
    ],
    ("佳木斯市人民政府", 2022): [
        "d2022", 11, 0, 10, 0, 5, 3, -1, 0, 8 / 10, -1 / 10, 0.0,
        1 / 2, None, None, None, 30,
        None, None, None,
    ],
}
# fmt: on


def test_agency_year_metrics_row_by_row(built):
    warehouse, _ = built
    rows = query(
        warehouse,
        """
        select agency.agency_name, metrics.*
        from marts.agency_year_metrics as metrics
        inner join marts.dim_agency as agency using (agency_id)
    """,
    )
    report_keys = {sha: key for key, sha in SHA.items()}
    actual = {
        (r["agency_name"], r["report_year"]): [report_keys[r["report_id"]]] + [r[c] for c in METRIC_COLUMNS[1:]]
        for r in rows
    }
    assert len(rows) == len(actual)
    assert actual.keys() == EXPECTED_AGENCY_YEARS.keys()
    for key, expected in EXPECTED_AGENCY_YEARS.items():
        for column, want, got in zip(METRIC_COLUMNS, expected, actual[key]):
            assert got == (want if want is None else pytest.approx(want)), f"{key} {column}: {got!r} != {want!r}"


def test_region_year_metrics_rolls_up_agencies(built):
    warehouse, _ = built
    rows = query(
        warehouse,
        """
        select region_level, agencies_reporting, applications_received, handled, grant_rate,
               review_correction_rate, previous_applications_received, applications_received_yoy_change
        from marts.region_year_metrics
        where province = '黑龙江省' and report_year = 2022
        order by region_level
    """,
    )
    assert [r["region_level"] for r in rows] == ["city", "province"]
    for row in rows:
        assert row["agencies_reporting"] == 2
        assert row["applications_received"] == 31
        assert row["handled"] == 28
        assert row["grant_rate"] == pytest.approx(23 / 28)
        assert row["review_correction_rate"] == pytest.approx(2 / 6)
        assert row["previous_applications_received"] == 12
        assert row["applications_received_yoy_change"] == 19


COLUMNS = TABLE3_COLUMN_CODES
ROWS_2021 = 26 - 1  # table3_rows.csv minus the 2019-only other_handling row
ROWS_2019 = 26 - 3  # minus the three 2021-only 其他处理 sub-rows
STRUCTURED = {
    "a2021": ROWS_2021,
    "a2022": ROWS_2021,
    "a2023v1": ROWS_2021,
    "a2023v2": ROWS_2021,
    "b2020": ROWS_2019,
    "b2021": ROWS_2021,
    "d2022": ROWS_2021,
}
LATEST_ANNUAL_WITH_TABLE3 = ["a2021", "a2022", "a2023v2", "b2020", "b2021", "d2022"]
# The tables each structured report printed; the parser checks non-negative counts per table.
TABLES_PRINTED = {report: 2 + (report in fixtures.TABLE2) for report in STRUCTURED}


def test_the_table3_grid_expects_the_outcome_rows_the_parser_chose(built):
    warehouse, _ = built
    report_keys = {sha: key for key, sha in SHA.items()}
    rows = query(
        warehouse,
        """
        select grid.report_id, grid.table3_outcome_layout, count(*) as cells
        from intermediate.int_table3_cell_grid as grid
        inner join parsed.reports on reports.sha256 = grid.report_id
            and reports.table3_outcome_layout = grid.table3_outcome_layout
        group by all
    """,
    )
    assert {report_keys[r["report_id"]]: (r["table3_outcome_layout"], r["cells"]) for r in rows} == {
        report: ("2019" if n == ROWS_2019 else "2021", n * len(COLUMNS)) for report, n in STRUCTURED.items()
    }


# every row of report_quality that does not pass: (report, rule, scope) -> (status, lhs, rhs)
NOT_PASSING = {
    **{
        (report, "carried_over_continuity", column): ("not_assessable", 0, None)
        for report in ["a2021", "b2020", "d2022"]
        for column in COLUMNS
    },  # no report for the year before
    ("a2023v2", "carried_over_continuity", "natural_person"): ("fail", 2, 3),
    ("a2023v2", "carried_over_continuity", "total"): ("fail", 2, 3),
    ("b2021", "carried_over_continuity", "research_institution"): ("not_assessable", None, 0),
    ("d2022", "non_negative_counts", "table2"): ("fail", -2, 0),
    ("d2022", "non_negative_counts", "table3"): ("fail", -1, 0),
    ("a2023v1", "table3_balance", "natural_person"): ("fail", 8, 7),
    ("a2023v1", "table3_balance", "total"): ("fail", 8, 7),
    ("b2021", "table3_balance", "research_institution"): ("not_assessable", None, None),
    ("d2022", "table3_balance", "total"): ("fail", 11, 10),
    ("b2021", "table3_outcomes_sum", "research_institution"): ("not_assessable", None, None),
    ("d2022", "table3_outcomes_sum", "natural_person"): ("fail", 8, 10),
    ("d2022", "table3_outcomes_sum", "other_org"): ("fail", -1, 0),
    ("d2022", "table3_outcomes_sum", "total"): ("fail", 7, 10),
    ("d2022", "table3_total_column", "new_received"): ("fail", 10, 11),
    ("b2021", "table4_group_total", "review"): ("not_assessable", None, None),
    ("d2022", "table4_group_total", "review"): ("fail", 2, 3),
    ("d2022", "plausible_years", "report"): ("fail", 2025, 2022),
    ("template", "plausible_years", "report"): ("not_assessable", None, None),
}
# b2021's research_institution column is blank, so no row of its total column can be checked
NOT_PASSING_ROWS = {("b2021", "table3_total_column"): "not_assessable"}


def expected_quality_counts() -> dict[tuple[str, str], int]:
    counts = {}
    for report, rows in STRUCTURED.items():
        counts[(report, "table3_balance")] = len(COLUMNS)
        counts[(report, "table3_outcomes_sum")] = len(COLUMNS)
        counts[(report, "table3_total_column")] = rows
        counts[(report, "table4_group_total")] = 3
        counts[(report, "non_negative_counts")] = TABLES_PRINTED[report]
    for report in LATEST_ANNUAL_WITH_TABLE3:
        counts[(report, "carried_over_continuity")] = len(COLUMNS)
    for report in fixtures.REPORTS:
        counts[(report, "plausible_years")] = 1
    return counts


def test_report_quality_row_by_row(built):
    warehouse, _ = built
    report_keys = {sha: key for key, sha in SHA.items()}
    # The disclosure rules (dates, prose, plausibility, copies) are in tests/dbt/test_quality_rules.py.
    rows = query(
        warehouse,
        "select * from marts.report_quality "
        "where rule in (select rule from seeds.quality_rule_groups where rule_group = 'arithmetic')",
    )
    counts: dict[tuple[str, str], int] = {}
    seen_not_passing = set()
    for row in rows:
        report, rule, scope = report_keys[row["report_id"]], row["rule"], row["scope"]
        counts[(report, rule)] = counts.get((report, rule), 0) + 1
        key = (report, rule, scope)
        if key in NOT_PASSING:
            status, lhs, rhs = NOT_PASSING[key]
            assert (row["status"], row["lhs"], row["rhs"]) == (status, lhs, rhs), (key, row)
            seen_not_passing.add(key)
        elif (report, rule) in NOT_PASSING_ROWS:
            assert row["status"] == NOT_PASSING_ROWS[(report, rule)], (key, row)
            assert row["lhs"] is None, (key, row)
        else:
            assert row["status"] == "pass", (key, row)
            assert row["lhs"] == row["rhs"] or rule == "non_negative_counts" or rule == "plausible_years", (key, row)
    assert counts == expected_quality_counts()
    assert seen_not_passing == set(NOT_PASSING)


def test_plausible_years_and_non_negative_sides(built):
    warehouse, _ = built
    rows = query(
        warehouse,
        f"""
        select report_id, rule, scope, lhs, rhs from marts.report_quality
        where report_id in ('{SHA["a2022"]}', '{SHA["b2021"]}') and rule in ('plausible_years', 'non_negative_counts')
        order by report_id, rule, scope
    """,
    )
    assert [(r["rule"], r["scope"], r["lhs"], r["rhs"]) for r in rows] == [
        ("non_negative_counts", "table2", 0, 0),
        ("non_negative_counts", "table3", 0, 0),
        ("non_negative_counts", "table4", 0, 0),
        ("plausible_years", "report", 2023, 2022),
        # b2021: blank cells are no numbers; the numbers read pass (its Table 2 holds a blank and 4)
        ("non_negative_counts", "table2", 4, 0),
        ("non_negative_counts", "table3", 0, 0),
        ("non_negative_counts", "table4", 0, 0),
        ("plausible_years", "report", 2022, 2021),
    ]


def test_report_quality_publishes_the_parser_checks_as_written(built):
    warehouse, _ = built
    [row] = query(
        warehouse,
        f"""
        select q.status, q.lhs, q.rhs, q.detail, c.detail = q.detail as same_detail
        from marts.report_quality q
        inner join parsed.report_checks c on c.sha256 = q.report_id and c.rule = q.rule and c.scope = q.scope
        where q.report_id = '{SHA["a2023v1"]}' and q.rule = 'table3_balance' and q.scope = 'natural_person'
    """,
    )
    assert row == {
        "status": "fail",
        "lhs": 8,
        "rhs": 7,
        "same_detail": True,
        "detail": "new_received 6 + carried_over 2 = 8 ≠ total_handled 4 + carried_forward 3 = 7",
    }
    [counts] = query(
        warehouse,
        """
        select (select count(*) from parsed.report_checks) as parser_checks,
               (select count(*) from marts.report_quality
                where rule in (select rule from seeds.quality_rule_groups where evaluated_by = 'parser'))
                as published
    """,
    )
    assert counts["published"] == counts["parser_checks"] > 0


def test_dim_report_versions_and_quality_status(built):
    warehouse, _ = built
    report_keys = {sha: key for key, sha in SHA.items()}
    rows = query(
        warehouse, "select report_id, is_latest, superseded_by_report_id, quality_status from marts.dim_report"
    )
    actual = {
        report_keys[r["report_id"]]: (
            r["is_latest"],
            report_keys.get(r["superseded_by_report_id"]),
            r["quality_status"],
        )
        for r in rows
    }
    assert actual == {
        "a2021": (True, None, "consistent"),
        "a2022": (True, None, "consistent"),
        "a2023v1": (False, "a2023v2", "inconsistent"),
        "a2023v2": (True, None, "inconsistent"),
        "a2023summary": (True, None, "not_assessable"),
        "b2020": (True, None, "consistent"),
        "b2021": (True, None, "consistent"),
        "c2018": (True, None, "not_assessable"),
        "d2022": (True, None, "inconsistent"),
        "template": (True, None, "not_assessable"),
    }


def test_dim_agency_levels_places_and_parents(built):
    warehouse, _ = built
    rows = query(
        warehouse,
        """
        select agency_name, level, government_level, region_code, parent_agency_name, has_reports, report_count
        from marts.dim_agency
        """,
    )
    got = {r["agency_name"]: tuple(r.values())[1:] for r in rows}
    assert got == {
        # 同江市繁荣街道 and its 2022 report's 同江市繁荣街道办事处: one agency, the newest name shown
        "同江市繁荣街道": ("township_street", "township_street", "230881", "同江市人民政府", True, 5),
        "宣州区经济和信息化局": ("department", "county", "341802", "宣州区人民政府", True, 2),
        # 新陶街道 names no place: the report's region (鞍山市铁西区) places it
        "新陶街道": ("township_street", "township_street", "210303", "铁西区人民政府", True, 1),
        "佳木斯市人民政府": ("city", "city", "230800", "黑龙江省人民政府", True, 1),
        # the governments above them, which published nothing here
        "同江市人民政府": ("county", "county", "230881", "佳木斯市人民政府", False, 0),
        "宣州区人民政府": ("county", "county", "341802", "宣城市人民政府", False, 0),
        "宣城市人民政府": ("city", "city", "341800", "安徽省人民政府", False, 0),
        "安徽省人民政府": ("province", "province", "340000", None, False, 0),
        "铁西区人民政府": ("county", "county", "210303", "鞍山市人民政府", False, 0),
        "鞍山市人民政府": ("city", "city", "210300", "辽宁省人民政府", False, 0),
        "辽宁省人民政府": ("province", "province", "210000", None, False, 0),
        "黑龙江省人民政府": ("province", "province", "230000", None, False, 0),
    }


def test_facts_keep_every_report_and_layout_codes(built):
    warehouse, _ = built
    outcomes = query(
        warehouse,
        f"""
        select count(*) as cells, count(application_count) as filled, bool_and(not is_latest) as superseded
        from marts.fct_application_outcomes where report_id = '{SHA["a2023v1"]}'
    """,
    )[0]
    assert outcomes == {"cells": ROWS_2021 * len(COLUMNS), "filled": ROWS_2021 * len(COLUMNS), "superseded": True}
    disclosure = query(
        warehouse,
        f"""
        select layout, row_code, column_code, item_value from marts.fct_proactive_disclosure
        where report_id = '{SHA["b2020"]}' order by sort_order
    """,
    )
    assert [(r["layout"], r["row_code"], r["column_code"], r["item_value"]) for r in disclosure] == [
        ("2019", "regulations", "newly_made", 1.0),
        ("2019", "regulations", "published_total", 5.0),
        ("2019", "administrative_penalty", "decisions", 5.0),
        ("2019", "administrative_fees", "previous_year_items", 3.0),
        ("2019", "administrative_fees", "change", -1.0),
    ]
    narrative = query(
        warehouse,
        f"""
        select metric_name, metric_ordinal, metric_value from marts.fct_narrative_metrics
        where report_id = '{SHA["c2018"]}' order by metric_name, metric_ordinal
    """,
    )
    assert [(r["metric_name"], r["metric_ordinal"], r["metric_value"]) for r in narrative] == [
        ("applications_received", 1, 3.0),
        ("complaints_received", 1, 12.0),
        ("complaints_received", 2, 45.0),
    ]
