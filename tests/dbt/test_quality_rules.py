"""The rules about dates, prose and plausibility, and who did not publish, on the fixture
warehouse (tests/dbt/fixtures.py): every expected value worked out by hand from its rows."""

from __future__ import annotations

import govreports_dbt_fixtures as fixtures

SHA = fixtures.SHA
KEYS = {sha: key for key, sha in SHA.items()}


def _rule(warehouse, rule: str) -> dict[tuple[str, str], tuple]:
    rows = fixtures.query(
        warehouse,
        f"select report_id, scope, status, lhs, rhs, detail from marts.report_quality where rule = '{rule}'",
    )
    return {(KEYS[r["report_id"]], r["scope"]): (r["status"], r["lhs"], r["rhs"], r["detail"]) for r in rows}


def test_published_on_time_by_the_organs_level(built):
    warehouse, _ = built
    got = _rule(warehouse, "published_on_time")
    # Only annual reports are held to a deadline; the work summary and the template are not rows.
    assert set(got) == {(k, "report") for k, v in fixtures.REPORTS.items() if v[1] == "annual_report"}
    # B is a department of 宣州区 (a county): 31 January. 2020's report on 2021-01-28, 2021's on 2022-01-20.
    assert got[("b2020", "report")][:3] == ("pass", -3, 0)
    assert got[("b2021", "report")][:3] == ("pass", -11, 0)
    # D is 佳木斯市人民政府 (a city government): 31 March 2023 for 2022; published 2025-01-01,
    # 276 days of 2023 after 31 March + 365 of 2024 + 1 = 642 days late.
    status, lhs, rhs, detail = got[("d2022", "report")]
    assert (status, lhs, rhs) == ("fail", 642, 0)
    assert "deadline 2023-03-31" in detail and "第四十九条" in detail
    # A and C are streets: the regulation sets no deadline for townships and streets.
    for key in ("a2021", "a2022", "a2023v1", "a2023v2", "c2018"):
        status, lhs, rhs, detail = got[(key, "report")]
        assert (status, lhs, rhs) == ("not_assessable", None, None)
        assert "township_street" in detail


def test_text_matches_table_compares_stated_numbers_with_totals(built):
    warehouse, _ = built
    got = _rule(warehouse, "text_matches_table")
    # a2022: 20 new + 1 carried over = the 21 stated; 18 handled; 21 - 18 = 3 carried forward;
    # 4 reviews; lawsuits 2 (direct) + 0 (after review), where the prose says 3.
    assert got[("a2022", "applications_received")][:3] == ("pass", 21, 21)
    assert "一、本年新收 + 二、上年结转" in got[("a2022", "applications_received")][3]
    assert got[("a2022", "applications_answered")][:3] == ("pass", 18, 18)
    assert got[("a2022", "applications_carried_forward")][:3] == ("pass", 3, 3)
    assert got[("a2022", "admin_reviews")][:3] == ("pass", 4, 4)
    status, lhs, rhs, detail = got[("a2022", "lawsuits")]
    assert (status, lhs, rhs) == ("fail", 3, 2)
    assert "行政诉讼3件" in detail
    # d2022 prints 11 new applications and none carried over; the prose says 12.
    assert got[("d2022", "applications_received")][:3] == ("fail", 12, 11)
    # Every other report with a Table 3 states none of the numbers: one not-assessable row.
    silent = {k for k, scope in got if scope == "report"}
    assert silent == {"a2021", "a2023v1", "a2023v2", "b2020", "b2021"}
    assert all(got[(k, "report")][0] == "not_assessable" for k in silent)


def test_plausible_values_jumps_and_level_limits(built):
    warehouse, _ = built
    got = _rule(warehouse, "plausible_values")
    # A (a street) decided 2,000,000 penalties in 2022: over the 100,000 limit of its level.
    status, lhs, rhs, detail = got[("a2022", "level_limit")]
    assert (status, lhs, rhs) == ("fail", 2_000_000, 100_000)
    assert "administrative_penalty_decisions" in detail
    # Its applications 12 -> 20 and handled 11 -> 18 are no jump; the nearest to the 10x bound is
    # applications (20 / (12 * 10) against 18 / (11 * 10)).
    assert got[("a2022", "year_over_year")][:3] == ("pass", 20, 12)
    # B's penalties 5 -> 9,000: 1,800 times and 8,995 more, over 10x and 1,000.
    assert got[("b2021", "year_over_year")][:3] == ("fail", 9000, 5)
    # No limit for a department's level, and nothing before B's first or A's first report.
    assert got[("b2021", "level_limit")][0] == "not_assessable"
    assert got[("a2021", "year_over_year")][0] == "not_assessable"
    # Latest annual reports only: a2023v1 is superseded.
    assert ("a2023v1", "year_over_year") not in got
    # No level and year holds the 20 reports a peer comparison needs (the model's unit test
    # works one out): every report's peer scope is not assessable, and says why.
    peers = {k: v for (k, scope), v in got.items() if scope == "peer_outlier"}
    assert peers.keys() == {k for k, scope in got if scope == "level_limit"}
    assert {v[0] for v in peers.values()} == {"not_assessable"}
    assert all("min_peers" in v[3] for v in peers.values())


def test_government_coverage_lists_who_did_not_publish(built):
    warehouse, _ = built
    rows = fixtures.query(
        warehouse,
        "select region_code, report_year, division_level, parent_name, has_report, report_id, reports_that_year "
        "from marts.government_coverage where region_code in ('230800', '230881') order by all",
    )
    by_key = {(r["region_code"], r["report_year"]): r for r in rows}
    # The report years of the latest non-template annual reports: 2018, 2020-2023.
    assert sorted({year for _, year in by_key}) == [2018, 2020, 2021, 2022, 2023]
    # 佳木斯市's government published for 2022 only (d2022); 同江市's never (its street did).
    assert [y for (code, y), r in by_key.items() if r["has_report"]] == [2022]
    assert by_key[("230800", 2022)]["report_id"] == SHA["d2022"]
    assert by_key[("230800", 2022)]["reports_that_year"] == 1
    assert by_key[("230881", 2022)]["has_report"] is False
    assert by_key[("230881", 2022)]["parent_name"] == "佳木斯市"
    [counts] = fixtures.query(
        warehouse,
        "select count(distinct region_code) filter (where division_level = 'province') as provinces, "
        "count(*) filter (where has_report) as reported from marts.government_coverage",
    )
    # 31 provinces (Taiwan, Hong Kong and Macao are not expected); one government report in all.
    assert counts == {"provinces": 31, "reported": 1}
