"""The similarity tables in a warehouse: the parse step's sections, sketches made once, matches
computed again only when a sketch or an agency changed (orchestration/warehouse/similarity_store.py)."""

from datetime import datetime

import duckdb
import pytest

from orchestration.parsing.model import ParseResult, Section
from orchestration.warehouse import similarity_store, staging, tables

from .test_detect import OTHER_1, OWN_1, OWN_5


def _result(sha: str, year: int, one: str, five: str = OWN_5, doc_type: str = "annual_report") -> ParseResult:
    sections = (
        Section(1, "一、总体情况", one),
        Section(3, "三、收到和处理政府信息公开申请情况", "表"),
        Section(5, "五、存在的主要问题及改进情况", five),
    )
    return ParseResult(
        file=f"{sha}.txt", sha256=sha, doc_type=doc_type, layout="2021", report_year=year, agency=sha, sections=sections
    )


def _load(con, *results: ParseResult) -> None:
    staging.load_rows(con, staging.staging_rows(results, "test", {r.sha256: f"/raw/{r.sha256}" for r in results}))


def _agencies(con, **agency_of: str) -> None:
    con.execute("delete from identity.report_agencies")
    for sha, agency in agency_of.items():
        con.execute(
            "insert into identity.report_agencies values (?, ?, ?, ?, 'name', 'm1', ?)",
            [sha, agency, agency, agency, datetime(2025, 1, 1)],
        )


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(tables.schema_sql())
    yield con
    con.close()


def _matches(con) -> dict[tuple[str, str], tuple]:
    rows = con.execute(
        "select sha256, relation, other_sha256, similarity, sections_alike from similarity.report_matches"
    ).fetchall()
    return {(sha, relation): tuple(rest) for sha, relation, *rest in rows}


def test_sections_are_loaded_and_a_reparse_replaces_them(con):
    _load(con, _result("a", 2022, OWN_1))
    assert con.execute("select section_number, char_count from parsed.report_sections order by 1").fetchall() == [
        (1, len(OWN_1)),
        (3, 1),
        (5, len(OWN_5)),
    ]
    again = _result("a", 2022, OWN_1)
    again.sections = again.sections[:1]
    _load(con, again)
    assert con.execute("select sha256, section_number from parsed.report_sections").fetchall() == [("a", 1)]


def test_matches_then_nothing_then_only_the_new_report_hashed(con):
    copied = OWN_1.replace("2022年", "2023年").replace("312条", "415条")
    _load(con, _result("a22", 2022, OWN_1), _result("a23", 2023, copied), _result("b23", 2023, OTHER_1))
    _agencies(con, a22="A", a23="A", b23="B")
    first = similarity_store.match_into(con)
    assert (first.matched, first.hashed, first.reports) == (True, 3, 3)
    assert first.matches == 1  # a23 against a22: 1.0 ≥ 0.8 (seed near_duplicate_thresholds)
    assert _matches(con) == {
        ("a22", "previous_year"): (None, None, None),
        ("a22", "same_year_other_agency"): (None, None, None),
        ("a23", "previous_year"): ("a22", 1.0, "一,五"),
        ("a23", "same_year_other_agency"): (None, None, None),
        ("b23", "previous_year"): (None, None, None),
        ("b23", "same_year_other_agency"): (None, None, None),
    }
    # Sections 一 and 五 sketched; 三 is a table, not prose.
    assert con.execute("select distinct section_number from similarity.report_signatures order by 1").fetchall() == [
        (1,),
        (5,),
    ]
    stamped = dict(con.execute("select sha256 || relation, matched_at from similarity.report_matches").fetchall())

    second = similarity_store.match_into(con)  # nothing new: nothing hashed, nothing written
    assert (second.matched, second.hashed) == (False, 0)

    # b23 re-parsed, now a copy of a23: only it is hashed, and only the rows that changed get a
    # new matched_at.
    _load(con, _result("b23", 2023, copied))
    third = similarity_store.match_into(con)
    assert (third.matched, third.hashed) == (True, 1)
    found = _matches(con)
    assert found["b23", "same_year_other_agency"] == ("a23", 1.0, "一,五")
    assert found["a23", "same_year_other_agency"] == ("b23", 1.0, "一,五")
    restamped = dict(con.execute("select sha256 || relation, matched_at from similarity.report_matches").fetchall())
    assert [k for k in stamped if stamped[k] != restamped[k]] == [
        "a23same_year_other_agency",
        "b23same_year_other_agency",
    ]


def test_reports_not_compared_lose_their_sketches(con):
    _load(con, _result("a", 2022, OWN_1))
    similarity_store.match_into(con)
    _load(con, _result("a", 2022, OWN_1, doc_type="work_summary"))
    similarity_store.match_into(con)
    assert con.execute("select count(*) from similarity.report_signatures").fetchone() == (0,)
    assert con.execute("select count(*) from similarity.report_matches").fetchone() == (0,)
