"""The GX suites in expectations/ against tiny warehouses with the shapes their queries read.

`clean` holds data every suite accepts (with not-assessable rows mixed in); `broken` adds, for
every suite, rows that break it. The expected failing rows are written out with their numbers.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.quality import SuiteFileError, build_data_docs, load_suites, run_suite
from orchestration.quality.runner import MAX_FAILING_ROWS, build_gx_suite
from orchestration.quality.suites import load_suite_file

ROOT = Path(__file__).resolve().parents[2]
SUITES_DIR = ROOT / "expectations"
# The rules of marts.report_quality, each a check of expectations/report_quality_rules.yml (that
# they are the rules the parser and dbt evaluate is test_every_rule_report_quality_holds_is_a_check).
RULES = tuple(s.name for s in load_suite_file(SUITES_DIR / "report_quality_rules.yml"))

# Only the columns the suite queries read; the real tables have more.
DDL = """
create schema marts; create schema ingest; create schema parsed;
create table marts.report_quality (report_id varchar, rule varchar, scope varchar,
    status varchar, lhs double, rhs double, detail varchar);
create table marts.dim_report (report_id varchar, agency_name varchar, report_year integer);
create table ingest.report_files (sha256 varchar, file_name varchar);
create table ingest.quarantined_files (sha256 varchar, file_name varchar, reason varchar);
create table parsed.reports (sha256 varchar, file_name varchar);
create table parsed.table2_cells (sha256 varchar);
create table parsed.table3_cells (sha256 varchar);
create table parsed.table4_cells (sha256 varchar);
create table parsed.narrative_metrics (sha256 varchar);
create table parsed.report_checks (sha256 varchar);
create table parsed.report_sections (sha256 varchar);
"""


def for_every_rule(*rows: tuple) -> list[tuple]:
    """marts.report_quality rows (report, scope, status, lhs, rhs, detail) for each rule."""
    return [(report, rule, *rest) for rule in RULES for report, *rest in rows]


CLEAN_ROWS = {
    "marts.report_quality": for_every_rule(
        ("r1", "total", "pass", 5.0, 5.0, "5 = 5"),
        # The verdict is the rule's, not lhs = rhs: non_negative_counts passes with 3 ≥ 0.
        ("r2", "natural_person", "pass", 3.0, 0.0, "smallest 3"),
        # Not assessable: left out by the query.
        ("r3", "total", "not_assessable", None, None, "missing or not filled: carried_over"),
    ),
    "marts.dim_report": [
        ("r1", "同江市繁荣街道", 2023),
        ("r2", "宣州区经济和信息化局", 2023),
        ("r3", None, None),  # a template: no year
    ],
    "ingest.report_files": [("a", "a.txt"), ("b", "b.html"), ("c", "c.pdf")],
    "ingest.quarantined_files": [("c", "c.pdf", "scanned PDF without text")],
    "parsed.reports": [("a", "a.txt"), ("b", "b.html")],
    "parsed.table2_cells": [("a",), ("a",)],
    "parsed.table3_cells": [("a",), ("b",), ("b",)],
    "parsed.table4_cells": [("b",)],
    "parsed.narrative_metrics": [("a",)],
    "parsed.report_checks": [("b",)],
}

BROKEN_EXTRA_ROWS = {
    "marts.report_quality": for_every_rule(
        ("r4", "other_org", "fail", 7.0, 9.0, "new_received 7 ≠ total 9"),
        ("r4", "total", "pass", 9.0, 9.0, "9 = 9"),
    ),
    # r5 twice and a null key break unique_report_keys; r5 has no rule rows, so no other suite
    # sees the duplicate through its join.
    "marts.dim_report": [
        ("r4", "新陶街道", 2018),
        ("r5", "某某镇", 2024),
        ("r5", "某某镇", 2024),
        (None, "无名", 2022),
    ],
    "ingest.report_files": [("d", "d.docx")],
    "ingest.quarantined_files": [("b", "b.html", "too large")],
    "parsed.table2_cells": [("z",)],
    "parsed.table4_cells": [("z",), ("z",)],
    "parsed.narrative_metrics": [("y",)],
}

R4 = {"report_id": "r4", "agency_name": "新陶街道", "report_year": 2018}
RULE_FAILURE = [
    {**R4, "scopes_assessed": 2, "scopes_broken": 1, "broken_scopes": "other_org: new_received 7 ≠ total 9"}
]

# suite -> (rows assessed in clean, rows assessed in broken, failing rows in broken)
EXPECTED = {
    **dict.fromkeys(RULES, (2, 3, RULE_FAILURE)),
    "unique_report_keys": (3, 7, [{"report_id": "r5"}, {"report_id": "r5"}, {"report_id": None}]),
    "files_accounted_for": (3, 4, [{"sha256": "d", "file_name": "d.docx", "accounted_for": False}]),
    "parsed_or_quarantined": (
        3,
        3,
        [
            {"sha256": "b", "file_name": "b.html", "reason": "too large", "parsed_and_quarantined": True},
        ],
    ),
    "rows_have_reports": (
        6,
        9,
        [
            {"source_table": "narrative_metrics", "sha256": "y", "row_count": 1, "has_report": False},
            {"source_table": "table2_cells", "sha256": "z", "row_count": 1, "has_report": False},
            {"source_table": "table4_cells", "sha256": "z", "row_count": 2, "has_report": False},
        ],
    ),
}


def make_warehouse(path: Path, *row_sets: dict) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        for rows in row_sets:
            for table, values in rows.items():
                width = len(values[0])
                con.executemany(f"insert into {table} values ({', '.join(['?'] * width)})", values)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def suites():
    return {s.name: s for s in load_suites(SUITES_DIR)}


@pytest.fixture(scope="module")
def clean_db(tmp_path_factory):
    return make_warehouse(tmp_path_factory.mktemp("wh") / "clean.duckdb", CLEAN_ROWS)


@pytest.fixture(scope="module")
def broken_db(tmp_path_factory):
    return make_warehouse(tmp_path_factory.mktemp("wh") / "broken.duckdb", CLEAN_ROWS, BROKEN_EXTRA_ROWS)


def write_suite(folder: Path, text: str, name: str = "suite.yml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the suite files --------------------------------------------------------------------------


def test_every_expected_suite_ships_and_no_other(suites):
    assert set(suites) == set(EXPECTED)


def test_every_suite_file_declares_name_title_asset_severity_query(suites):
    for suite in suites.values():
        assert suite.severity in {"warn", "error"}
        assert suite.title and suite.asset and suite.query.lower().startswith(("select", "with"))
        assert suite.expectations


def test_findings_warn_and_invariants_error(suites):
    errors = {name for name, s in suites.items() if s.severity == "error"}
    assert errors == {"files_accounted_for", "parsed_or_quarantined", "rows_have_reports", "unique_report_keys"}
    assert {(suites[rule].asset, suites[rule].file) for rule in RULES} == {
        ("marts/report_quality", "report_quality_rules.yml")
    }


def test_every_rule_report_quality_holds_is_a_check():
    """A rule is a function in the parser's checks.py (or a dbt model of quality/) and an entry in
    report_quality_rules.yml: this fails while a rule has no entry, or an entry no rule."""
    from orchestration.parsing import sections
    from orchestration.parsing.checks import evaluate_checks
    from orchestration.parsing.model import TableCell
    from tests.parsing import table_fixtures as fx

    cells = [TableCell(*cell) for cell in fx.known_report().expected()]
    parser_rules = {c.rule for c in evaluate_checks(cells, "2021")}
    parser_rules |= {c.rule for c in sections.evaluate((), frozenset(), "annual_report", "2021", None)}
    dbt_rules = {
        p.stem.removeprefix("int_quality_")
        for p in (ROOT / "dbt_project" / "models" / "intermediate" / "quality").glob("int_quality_*.sql")
    }
    assert parser_rules and dbt_rules and not parser_rules & dbt_rules  # each rule evaluated once
    assert {s.name for s in load_suite_file(SUITES_DIR / "report_quality_rules.yml")} == parser_rules | dbt_rules


def test_every_suite_builds_a_gx_suite_with_valid_kwargs(suites):
    for suite in suites.values():
        gx_suite = build_gx_suite(suite)
        assert gx_suite.name == suite.name
        assert [e.expectation_type for e in gx_suite.expectations] == [e.type for e in suite.expectations]


def test_unknown_expectation_type_fails_at_load(tmp_path):
    path = write_suite(
        tmp_path,
        """
name: suite
title: A typo in the type
asset: marts/dim_report
severity: warn
query: select 1 as x
expectations:
  - type: expect_column_values_to_be_positive
    kwargs: {column: x}
""",
    )
    with pytest.raises(SuiteFileError, match="unknown expectation type 'expect_column_values_to_be_positive'"):
        load_suite_file(path)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("severity", "fatal", "severity 'fatal' is not one of"),
        ("asset", "", "'asset' must be a non-empty string"),
        ("query", None, "'query' must be a non-empty string"),
        ("name", "Table 3!", "must be a lower-case slug"),
    ],
)
def test_bad_fields_fail_at_load(tmp_path, field, value, message):
    doc = {
        "name": "suite",
        "title": "t",
        "asset": "a",
        "severity": "warn",
        "query": "select 1 as x",
        "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "x"}}],
    }
    doc[field] = value
    path = write_suite(tmp_path, json.dumps(doc), "suite.json")
    with pytest.raises(SuiteFileError, match=re.escape(message)):
        load_suite_file(path)


def test_suite_file_must_be_named_after_its_suite(tmp_path):
    text = (
        "name: same\ntitle: t\nasset: a\nseverity: warn\nquery: select 1 as x\n"
        "expectations: [{type: expect_column_to_exist, kwargs: {column: x}}]\n"
    )
    [suite] = load_suite_file(write_suite(tmp_path, text, "same.yml"))
    assert (suite.name, suite.file) == ("same", "same.yml")
    with pytest.raises(SuiteFileError, match="must be named after its suite, 'same'"):
        load_suite_file(write_suite(tmp_path, text, "other.yml"))


RULES_FILE = """
name: sum_rules
asset: marts/report_quality
severity: warn
query: select count(*) filter (where status = 'fail') as broken from marts.report_quality where rule = '{rule}'
expectations: [{type: expect_column_values_to_be_between, kwargs: {column: broken, max_value: 0}}]
rules:
  - {name: rule_a, title: Rule A holds}
  - {name: rule_b, title: Rule B holds, severity: error}
"""


def test_a_file_of_rules_is_one_suite_per_rule(tmp_path):
    a, b = load_suite_file(write_suite(tmp_path, RULES_FILE, "sum_rules.yml"))
    assert (a.name, a.title, a.severity, a.file) == ("rule_a", "Rule A holds", "warn", "sum_rules.yml")
    assert (b.name, b.severity) == ("rule_b", "error")  # its own severity
    assert a.query.endswith("where rule = 'rule_a'") and b.query.endswith("where rule = 'rule_b'")
    assert a.asset == b.asset == "marts/report_quality" and a.expectations == b.expectations


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("where rule = '{rule}'", "where true"), "must name the rule as {rule}"),
        (("{name: rule_a, title: Rule A holds}", "{name: Rule A, title: Rule A holds}"), "must be a lower-case slug"),
        (("{name: rule_a, title: Rule A holds}", "{name: rule_a}"), "'title' must be a non-empty string"),
        (("severity: error}", "severity: fatal}"), "severity 'fatal' is not one of"),
    ],
)
def test_bad_rules_fail_at_load(tmp_path, change, message):
    path = write_suite(tmp_path, RULES_FILE.replace(*change), "sum_rules.yml")
    with pytest.raises(SuiteFileError, match=re.escape(message)):
        load_suite_file(path)


def test_duplicate_suite_names_fail_at_load(tmp_path):
    text = (
        "name: same\ntitle: t\nasset: a\nseverity: warn\nquery: select 1 as x\n"
        "expectations: [{type: expect_column_to_exist, kwargs: {column: x}}]\n"
    )
    write_suite(tmp_path, text, "same.yml")
    write_suite(tmp_path, json.dumps({**yaml.safe_load(text), "severity": "error"}), "same.json")
    with pytest.raises(SuiteFileError, match=r"used twice: \['same'\]"):
        load_suites(tmp_path)
    write_suite(tmp_path, RULES_FILE.replace("rule_b", "same"), "sum_rules.yml")  # a rule's name too
    with pytest.raises(SuiteFileError, match=r"used twice: \['same'\]"):
        load_suites(tmp_path)


def test_loading_suites_does_not_import_great_expectations():
    # Dagster loads the suites when it builds its definitions; GX costs ~3 s to import.
    code = (
        "import sys; from orchestration.quality import load_suites; "
        f"assert len(load_suites({str(SUITES_DIR)!r})) == {len(EXPECTED)}; "
        "print(sorted(m for m in sys.modules if m.startswith('great_expectations')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- running them -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_suite_passes_on_clean_data(suites, clean_db, name):
    result = run_suite(suites[name], clean_db)
    assert result.passed, result.summary
    assert result.evaluated == EXPECTED[name][0]
    assert result.failing_rows == []
    assert all(o.success for o in result.expectations)
    assert result.summary.endswith(f"holds on all {EXPECTED[name][0]} rows.")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_suite_fails_on_broken_data_with_the_numbers(suites, broken_db, name):
    suite = suites[name]
    result = run_suite(suite, broken_db)
    assert not result.passed
    assert result.severity == suite.severity
    assert result.evaluated == EXPECTED[name][1]
    assert result.failing_rows == EXPECTED[name][2]
    for row in result.failing_rows:  # nullable integer columns stay integers, not 2018.0
        assert row.get("report_year") is None or type(row["report_year"]) is int


def test_rule_failure_is_counted_and_summarised(suites, broken_db):
    result = run_suite(suites["table3_balance"], broken_db)
    [outcome] = result.expectations
    assert (outcome.type, outcome.success, outcome.unexpected_count) == ("expect_column_values_to_be_between", False, 1)
    assert result.summary == (
        "Table 3 balance holds per applicant column: 3 rows assessed; "
        "expect_column_values_to_be_between(scopes_broken) fails on 1 row."
    )


def test_unique_keys_reports_both_expectations(suites, broken_db):
    result = run_suite(suites["unique_report_keys"], broken_db)
    counts = {o.type: (o.success, o.unexpected_count) for o in result.expectations}
    assert counts == {
        "expect_column_values_to_not_be_null": (False, 1),
        "expect_column_values_to_be_unique": (False, 2),
    }


def test_empty_tables_pass_with_nothing_evaluated(suites, tmp_path):
    empty = make_warehouse(tmp_path / "empty.duckdb")
    for suite in suites.values():
        result = run_suite(suite, empty)
        assert (result.passed, result.evaluated, result.failing_rows) == (True, 0, [])
        assert result.gx_result is None


def test_failing_rows_are_capped(suites, tmp_path):
    rows = [
        (f"r{i:03}", "table3_balance", "total", "fail", float(i), float(i + 1), f"{i} ≠ {i + 1}") for i in range(50)
    ]
    db = make_warehouse(tmp_path / "many.duckdb", {"marts.report_quality": rows})
    result = run_suite(suites["table3_balance"], db)
    assert result.evaluated == 50
    assert result.expectations[0].unexpected_count == 50
    assert len(result.failing_rows) == MAX_FAILING_ROWS
    assert result.failing_rows[0] == {
        "report_id": "r000",
        "agency_name": None,
        "report_year": None,
        "scopes_assessed": 1,
        "scopes_broken": 1,
        "broken_scopes": "total: 0 ≠ 1",
    }


def test_path_connection_is_closed_so_a_writer_can_open_the_file(suites, tmp_path):
    db = make_warehouse(tmp_path / "w.duckdb", CLEAN_ROWS)
    run_suite(suites["table3_balance"], db)
    writer = duckdb.connect(str(db))  # raises "Could not set lock" if the reader were still open
    writer.execute("insert into marts.report_quality values ('r9', 'table3_balance', 's', 'fail', 1, 2, '1 ≠ 2')")
    writer.close()
    assert run_suite(suites["table3_balance"], db).failing_rows == [
        {
            "report_id": "r9",
            "agency_name": None,
            "report_year": None,
            "scopes_assessed": 1,
            "scopes_broken": 1,
            "broken_scopes": "s: 1 ≠ 2",
        }
    ]


def test_an_open_connection_is_used_as_given(suites, broken_db):
    con = duckdb.connect(str(broken_db), read_only=True)
    try:
        assert run_suite(suites["files_accounted_for"], con).evaluated == 4
        assert con.execute("select 1").fetchone() == (1,)  # still open for the caller
    finally:
        con.close()


def test_missing_table_is_an_error_not_a_finding(suites, tmp_path):
    db = tmp_path / "bare.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(duckdb.CatalogException):
        run_suite(suites["table3_balance"], db)


# --- data docs --------------------------------------------------------------------------------


def test_data_docs_index_and_pages(suites, broken_db, tmp_path):
    results = [run_suite(s, broken_db) for s in suites.values()]
    docs = tmp_path / "gx" / "docs"
    index = build_data_docs(results, docs, run_name="run-1")
    assert index == docs.resolve() / "index.html"
    html = index.read_text(encoding="utf-8")
    for name in suites:
        assert f"validations/{name}/run-1/" in html
    [page] = (docs / "validations" / "table3_balance" / "run-1").glob("*/marts.report_quality.html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
    assert "Status: Failed" in text
    assert "scopes_broken" in text and "≈33.333% unexpected" in text  # 1 of 3 reports
    assert "Run Name run-1" in text


def test_data_docs_keep_the_last_runs_and_drop_older_pages(suites, clean_db, tmp_path):
    results = [run_suite(suites["table3_balance"], clean_db)]
    docs = tmp_path / "docs"
    for run in ("a", "b", "c"):
        build_data_docs(results, docs, run_name=run, keep_runs=2)
    pages = sorted(
        p.relative_to(docs / "validations" / "table3_balance").parts[0] for p in (docs / "validations").rglob("*.html")
    )
    assert pages == ["b", "c"]
    assert len(list((tmp_path / "validations").rglob("*.json"))) == 2
    html = (docs / "index.html").read_text(encoding="utf-8")
    assert "table3_balance/c/" in html and "table3_balance/a/" not in html
