"""What kind of document it is: doc_type, layout, is_template."""

from __future__ import annotations

import re

# A letter or notice filed among the reports (关于报送…年度报告的通知) is not itself a report:
# its kind is the last word of the title.
_OTHER_TITLE = re.compile(r"(?:通知|函|通报|批复|公告|决定|意见|办法|方案|请示|复函)$")
_ANNUAL_TITLE = re.compile(r"年度报告|年报|年度工作报告|工作报告")
_SELF_INSPECTION = re.compile(r"自查")
_SUMMARY = re.compile(r"总结")
_DISCLOSURE = re.compile(r"信息公开|政务公开")

_ANNUAL_BODY = re.compile(r"本(?:年度)?报告|年度报告|政府信息公开条例.{0,20}(?:第四十九|第五十)条")
_SELF_INSPECTION_BODY = re.compile(r"自查(?:情况|工作)?(?:报告|如下)")
_SUMMARY_BODY = re.compile(r"总结如下")
_BODY_HEAD = 600

_LAYOUT_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|逾期不补正|国办公开办函〔2021〕30号")
_LAYOUT_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量")
_LAST_FREEFORM_YEAR = 2018
_FIRST_2021_LAYOUT_YEAR = 2021  # 国办公开办函〔2021〕30号, from the report for 2021

# xxxx年, xx条, x省, xx街道: placeholders where a template's user fills in data.
# Written to open with the x itself (the letter check looks back from it), so the regex engine
# can skip ahead to x's instead of trying every position.
_PLACEHOLDER = re.compile(
    r"[xX×](?<![A-Za-z][xX×])(?:[xX×]{3}\s*年|[xX×]{0,3}(?:\.[xX×]+)?\s*(?:条|件|个|次|%|万元|元|人|篇)"
    r"|[xX×]?(?:省|市|县|区|街道|镇|乡|局|月|日))"
)
_MIN_PLACEHOLDERS = 2


def doc_type(title: str | None, body: str) -> str:
    if title:
        # Scrapes put spaces anywhere in a title: '…工作 年度报告'.
        title = "".join(title.split())
        if _OTHER_TITLE.search(title):
            return "other"
        if _ANNUAL_TITLE.search(title) and _DISCLOSURE.search(title):
            return "annual_report"
        if _SELF_INSPECTION.search(title):
            return "self_inspection"
        if _SUMMARY.search(title):
            return "work_summary"
    head = body[:_BODY_HEAD]
    if _SELF_INSPECTION_BODY.search(head):
        return "self_inspection"
    if _SUMMARY_BODY.search(head):
        return "work_summary"
    if _ANNUAL_BODY.search(head) or _LAYOUT_2021.search(body) or _LAYOUT_2019.search(body):
        return "annual_report"
    return "other"


def layout(kind: str, text: str, report_year: int | None, hint: str | None) -> str | None:
    """`text` holds the running text and the grid cells; `hint` is what the tables showed.

    The tables' own evidence comes first; without it the year says which layout the report had
    to follow (a report whose page holds no table at all is still of its year's layout)."""
    if kind != "annual_report":
        return None
    if hint:
        return hint
    if _LAYOUT_2021.search(text):
        return "2021"
    if _LAYOUT_2019.search(text):
        return "2019"
    if report_year is None or report_year <= _LAST_FREEFORM_YEAR:
        return "freeform"
    return "2019" if report_year < _FIRST_2021_LAYOUT_YEAR else "2021"


def is_template(text: str) -> bool:
    return len(_PLACEHOLDER.findall(text, 0, 50000)) >= _MIN_PLACEHOLDERS
