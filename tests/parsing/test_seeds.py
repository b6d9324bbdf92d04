"""The five seeds through parse_file, as report-format.md describes them (the rule that no number
is invented is checked over every fixture, seeds included, in test_forms)."""

from orchestration.parsing import parse_file
from orchestration.parsing.cleaning import clean

from .builders import seed


def metric_values(result):
    return {(m.name, m.value) for m in result.metrics}


def test_000_portal_work_summary():
    r = parse_file(seed("000"))
    assert (r.status, r.format, r.encoding, r.script) == ("ok", "txt", "utf-8", "simplified")
    assert (r.doc_type, r.layout, r.is_template) == ("work_summary", None, False)
    assert r.report_year == 2023 and r.publish_date == "2023-12-15"
    assert r.agency in ("南山街道", "南山街道办事处")
    assert r.title == "南山街道2023年政务公开工作总结"
    assert {("items_disclosed_total", 1156), ("page_views", 418872)} <= metric_values(r)
    assert "page_chrome_removed" in r.repairs


def test_001_traditional_with_pinyin():
    r = parse_file(seed("001"))
    assert (r.script, r.doc_type, r.report_year) == ("traditional", "work_summary", 2023)
    assert r.agency == "宣州区经济和信息化局"
    assert r.publish_date == "2024-02-20"
    assert r.title == "区经信局2023年政务公开工作总结"  # simplified, no pinyin
    assert (r.region.province, r.region.county, r.region.code) == ("安徽省", "宣州区", "341802")
    assert {"pinyin_annotations_removed", "converted_to_simplified"} <= set(r.repairs)


def test_001_text_is_simplified_without_pinyin():
    text = clean(seed("001").read_text(encoding="utf-8")).text
    assert "區" not in text and "(qū)" not in text and "宣州区经济和信息化局" in text


def test_002_annual_report_2021_layout():
    r = parse_file(seed("002"))
    assert (r.doc_type, r.layout, r.report_year) == ("annual_report", "2021", 2023)
    assert r.agency == "同江市繁荣街道" and r.publish_date == "2024-01-19"
    assert r.region.code == "230881"
    assert "heading_numbers_lost" in r.flags
    assert r.table3_outcome_layout == "2021"
    assert {c.status for c in r.checks} == {"pass"}
    assert [(c.scope, c.lhs, c.rhs) for c in r.checks if c.rule == "non_negative_counts"] == [
        ("table2", 0, 0),
        ("table3", 0, 0),
        ("table4", 0, 0),
    ]


def test_003_template_self_inspection_gives_no_numbers():
    r = parse_file(seed("003"))
    assert (r.script, r.doc_type, r.is_template) == ("traditional", "self_inspection", True)
    assert r.metrics == [] and all(c.value is None for c in r.cells)
    assert r.report_year is None and r.region is None
    assert "mojibake_repaired" in r.repairs and "mojibake_unrepaired" in r.flags


def test_004_freeform_2018_annual_report():
    r = parse_file(seed("004"))
    assert (r.doc_type, r.layout, r.report_year) == ("annual_report", "freeform", 2018)
    # No table, so no arithmetic to check; a free-form report has no fixed sections either.
    assert r.table3_outcome_layout is None
    assert {(c.rule, c.scope, c.status) for c in r.checks} == {
        ("sections_complete", "report", "not_assessable"),
        ("section_not_empty", "section_5", "not_assessable"),
        ("section_not_empty", "section_6", "not_assessable"),
    }
    assert "新陶街道" in r.agency and r.publish_date == "2019-03-14"
    assert r.title == "2018年新陶街道政府信息公开年度工作报告"
    assert {
        ("complaints_received", 45),
        ("complaints_answered", 45),
        ("npc_suggestions_handled", 28),
        ("cppcc_proposals_handled", 16),
    } <= metric_values(r)
    assert (r.region.city, r.region.county, r.region.code) == ("鞍山市", "铁西区", "210303")


def test_cli_prints_json_lines_and_exit_code(tmp_path, capsys):
    import json

    from orchestration.cli import main

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    assert main(["parse", str(seed("000")), str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["status"] == "ok" and first["report_year"] == 2023 and "南山" in first["agency"]
    assert second["status"] == "error" and second["error"]
    assert main(["parse", "--pretty", str(seed("004"))]) == 0
    assert json.loads(capsys.readouterr().out)["layout"] == "freeform"
