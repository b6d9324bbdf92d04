"""The six sections found in the cleaned text (parsing/sections.py) and the rules on them:
real reports of one line and of one heading per line, and small texts for each variant."""

from pathlib import Path

import pytest

from orchestration.parsing import parse_bytes, parse_file, sections
from orchestration.parsing.model import Check

from .builders import seed

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real_reports" / "raw"
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def _by_rule(result) -> dict[tuple[str, str], Check]:
    return {(c.rule, c.scope): c for c in result.checks if c.rule in ("sections_complete", "section_not_empty")}


def test_a_one_line_page_has_its_six_sections_with_the_text_between_them():
    r = parse_file(REAL / "002.txt")
    assert [s.heading for s in r.sections] == list(HEADINGS)
    # The text between 四 and 五 is Table 4, run together on one line.
    assert r.sections[3].text.startswith("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计")
    assert r.sections[5].text.startswith("本机关依申请提供政府信息")
    assert _by_rule(r)["sections_complete", "report"] == Check(
        "sections_complete", "report", "pass", "found 一、二、三、四、五、六 in order", 6, 6
    )
    assert "sections" not in r.to_dict()  # like the text, not part of the JSON


def test_a_heading_one_a_line_and_a_misspelt_one_are_found():
    lines = parse_file(seed("002"))  # 同江市繁荣街道: HTML-like text, one heading per line
    assert [(s.number, s.heading) for s in lines.sections] == list(enumerate(HEADINGS, start=1))
    typo = parse_file(REAL / "003.txt")  # 四、政府信息公开行政法复议、行政诉讼情况
    assert typo.sections[3].heading == "四、政府信息公开行政法复议、行政诉讼情况"
    assert _by_rule(typo)["sections_complete", "report"].status == "pass"


def test_a_report_without_section_six_fails_with_what_is_missing():
    r = parse_file(REAL / "001.txt")  # the page ends with 五's text and the signature
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5]
    checks = _by_rule(r)
    assert checks["sections_complete", "report"] == Check(
        "sections_complete", "report", "fail", "missing 六 (found 一、二、三、四、五)", 5, 6
    )
    assert checks["section_not_empty", "section_6"] == Check(
        "section_not_empty", "section_6", "not_assessable", "section 六 not found"
    )
    assert checks["section_not_empty", "section_5"].status == "pass"


def test_an_annual_report_with_no_body_misses_all_six():
    r = parse_file(REAL / "011.txt")  # the page holds only the title
    assert r.sections == ()
    assert _by_rule(r)["sections_complete", "report"].detail == "missing 一、二、三、四、五、六 (found none)"


@pytest.mark.parametrize(
    ("file", "text", "said"),
    [
        ("005", "无其他需要报告事项。 平潭综合实验区财政金融局 2020年1月2日", "无其他需要报告事项"),
        ("015", "无 平潭综合实验区社会事业局 2020年1月2日 附件下载", "无"),
    ],
)
def test_a_section_six_saying_only_none_fails(file, text, said):
    r = parse_file(REAL / f"{file}.txt")
    assert r.sections[5].text == text  # the signature and the page's chrome stay in the text
    check = _by_rule(r)["section_not_empty", "section_6"]
    assert (check.status, check.lhs, check.rhs) == ("fail", len(said), None)
    assert check.detail == f"六、其他需要报告的事项 says only: {text}"


def test_a_section_six_that_reports_something_passes():
    r = parse_file(REAL / "004.txt")
    assert r.sections[5].text == "2022年,无收取信息处理费情况。"  # no fee charged: a statement
    check = _by_rule(r)["section_not_empty", "section_6"]
    assert (check.status, check.lhs, check.detail) == ("pass", 15, "六、其他需要报告的事项: 15 characters")


def test_other_documents_and_layouts_are_not_assessable():
    free = _by_rule(parse_file(REAL / "008.txt"))  # a free-form report of 2017
    assert free["sections_complete", "report"] == Check(
        "sections_complete",
        "report",
        "not_assessable",
        "layout freeform: only the 2019 and 2021 layouts fix six sections",
    )
    summary = _by_rule(parse_file(REAL / "010.txt"))  # a work summary
    assert {c.status for c in summary.values()} == {"not_assessable"}
    assert summary["section_not_empty", "section_5"].detail.startswith("not an annual report")


def _one_line(*headings: str, fill: str = "本机关认真落实各项要求。") -> str:
    return "".join(h + fill for h in headings)


def test_printed_variants_of_the_headings():
    text = (
        "前言。一总体情况今年如此。(二)主动公开政府信息情况见下表。三三、收到和处理政府信息公开申请情况表。"
        "四 、 政府信息公开行政复议、行政诉讼情况表。（五）存在的主要问题和改进措施人少。六、其它需要报告的事项无。"
    )
    found, out_of_order = sections.locate(text)
    assert [s.heading for s in found] == [
        "一总体情况",
        "(二)主动公开政府信息情况",
        "三三、收到和处理政府信息公开申请情况",
        "四 、 政府信息公开行政复议、行政诉讼情况",
        "（五）存在的主要问题和改进措施",
        "六、其它需要报告的事项",
    ]
    assert [s.text for s in found] == ["今年如此。", "见下表。", "表。", "表。", "人少。", "无。"]
    assert out_of_order == frozenset()


def test_a_sub_heading_with_another_numeral_is_not_a_section():
    # Under 总体情况, (一)主动公开政府信息情况 is a sub-heading: its numeral is not 二's.
    text = "一、总体情况(一)主动公开政府信息情况发布信息。二、主动公开政府信息情况见表。"
    found, _ = sections.locate(text)
    assert [(s.number, s.text) for s in found] == [(1, "(一)主动公开政府信息情况发布信息。"), (2, "见表。")]


def test_a_heading_whose_numeral_was_lost_counts_only_alone_on_its_line():
    text = "一、总体情况\n发布信息。\n存在的主要问题及改进情况\n人少。\n我们将研究存在的主要问题及改进措施。"
    found, _ = sections.locate(text)
    assert [(s.number, s.heading, s.text) for s in found] == [
        (1, "一、总体情况", "发布信息。"),
        (5, "存在的主要问题及改进情况", "人少。\n我们将研究存在的主要问题及改进措施。"),
    ]


def test_missing_and_out_of_order_sections_are_named():
    no_five = _one_line(*HEADINGS[:4], HEADINGS[5])
    found, out_of_order = sections.locate(no_five)
    assert sections.sections_complete(found, "annual_report", "2021", out_of_order) == Check(
        "sections_complete", "report", "fail", "missing 五 (found 一、二、三、四、六)", 5, 6
    )
    assert sections.sections_not_empty(found)[0] == Check(
        "section_not_empty", "section_5", "not_assessable", "section 五 not found"
    )
    swapped = _one_line(HEADINGS[0], HEADINGS[2], HEADINGS[1], *HEADINGS[3:])
    found, out_of_order = sections.locate(swapped)
    # 三 printed before 二: the longest run in order keeps the first of the two.
    assert [s.number for s in found] == [1, 3, 4, 5, 6] and out_of_order == {2}
    assert sections.sections_complete(found, "annual_report", "2019", out_of_order).detail == (
        "out of order 二 (found 一、三、四、五、六)"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("无", "无"),
        ("暂无。", "暂无"),
        ("本年度无。", "本年度无"),
        ("无其他需要报告的事项。", "无其他需要报告的事项"),
        ("2023年度无需要说明的事项。 某某局 2024年1月5日", "2023年度无需要说明的事项"),
        ("没有。\n附件下载", "没有"),
        ("", ""),  # says nothing at all
        ("某某局 2024年1月5日", ""),  # the signature alone
    ],
)
def test_bare_none_phrases(text, said):
    assert sections.only_none(text, agency="某某局") == said


@pytest.mark.parametrize("text", ["无收取信息处理费情况。", "本年度未收取信息处理费。", "无偿提供查阅服务。"])
def test_what_is_more_than_none(text):
    assert sections.only_none(text) is None


def test_a_template_gets_sections_but_no_checks():
    body = _one_line(*HEADINGS, fill="本年度主动公开xx条。")
    r = parse_bytes(f"xx县xx局xxxx年政府信息公开工作年度报告\n{body}".encode(), "template.txt")
    assert r.is_template and len(r.sections) == 6 and r.checks == []
