"""int_quality_near_duplicate_text: the detector's matches against the seed's thresholds, built
by dbt on a warehouse of four reports whose matches are written by hand."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.warehouse import tables

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
REPORTS = [("a22", "A局", 2022), ("a23", "A局", 2023), ("b23", "B局", 2023), ("c23", "C局", 2023)]
MATCHES = [
    ("a22", "previous_year", None, None, None),
    ("a22", "same_year_other_agency", None, None, None),
    ("a23", "previous_year", "a22", 0.95, "一,五"),
    ("a23", "same_year_other_agency", "b23", 0.55, "五"),
    ("b23", "previous_year", None, None, None),
    ("b23", "same_year_other_agency", "a23", 0.55, "五"),
    # c23 has no prose section: no row
]


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    folder = tmp_path_factory.mktemp("near_duplicate")
    warehouse = folder / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute(tables.schema_sql())
    for sha, agency, year in REPORTS:
        con.execute(
            "insert into parsed.reports (sha256, file_name, parser_version, parsed_at, doc_type, is_template, "
            "agency, report_year) values (?, ?, 'test', '2025-01-01', 'annual_report', false, ?, ?)",
            [sha, f"{sha}.txt", agency, year],
        )
    for sha, relation, other, similarity, alike in MATCHES:
        con.execute(
            "insert into similarity.report_matches (sha256, relation, other_sha256, similarity, sections_alike, "
            "bucket_truncated, method, matched_at) values (?, ?, ?, ?, ?, false, 'test', '2025-01-01')",
            [sha, relation, other, similarity, alike],
        )
    con.close()
    dbt = Path(sys.executable).with_name("dbt")
    built = subprocess.run(
        [str(dbt), "build", "--profiles-dir", ".", "--target-path", str(folder / "target"),
         "--log-path", str(folder / "logs"), "--select", "+int_quality_near_duplicate_text",
         "--indirect-selection", "cautious"],
        cwd=PROJECT, env={**os.environ, "GOVREPORTS_WAREHOUSE": str(warehouse)},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        got = con.execute(
            "select report_id, scope, status, lhs, rhs, detail from intermediate.int_quality_near_duplicate_text"
        ).fetchall()
    finally:
        con.close()
    return {(report, scope): rest for report, scope, *rest in got}


def test_a_copy_of_last_years_report_fails_with_the_other_report_named(rows):
    assert rows["a23", "previous_year"] == ["fail", 0.95, 0.8, "0.95 similar to a22 (A局, 2022); sections alike: 一,五"]


def test_below_the_threshold_or_without_candidate_passes(rows):
    assert rows["b23", "same_year_other_agency"] == [
        "pass",
        0.55,
        0.6,
        "0.55 similar to a23 (A局, 2023); sections alike: 五",
    ]
    assert rows["a22", "same_year_other_agency"] == [
        "pass",
        None,
        0.6,
        "no report of another agency of 2022 shares an LSH band with it (similarity below about 0.3)",
    ]


def test_without_a_previous_report_or_prose_it_is_not_assessable(rows):
    assert rows["a22", "previous_year"] == [
        "not_assessable",
        None,
        0.8,
        "no report of the same agency for 2021 with prose sections",
    ]
    assert rows["c23", "previous_year"][0] == rows["c23", "same_year_other_agency"][0] == "not_assessable"
    assert (
        rows["c23", "previous_year"][3]
        == "no prose section (一, 二, 五, 六) of an annual report with a year to compare"
    )
    assert len(rows) == 2 * len(REPORTS)
