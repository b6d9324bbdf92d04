"""The report tables as the official forms print them: row labels in printed order with the codes
they stand for, header words, section headings.

The generated corpus (benchmarks/corpus.py) and the parsing tests' documents
(tests/parsing/table_fixtures.py) print their tables from this one list. It is written out apart
from orchestration.parsing.codes, whose labels the parser matches, so that what they print checks
the parser against the printed form, not against itself; tests/parsing/test_codes.py holds the
two to the same labels.
"""

from __future__ import annotations

from functools import cache

APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)
T3_COLUMNS = (*APPLICANTS, "total")
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# (group label printed on the group's first row, row label, code); T3_MAJOR is printed once, on
# the row of (一)予以公开, over every outcome row and the total.
_T3_HEAD = (
    (None, "一、本年新收政府信息公开申请数量", "new_received"),
    (None, "二、上年结转政府信息公开申请数量", "carried_over"),
    (None, "(一)予以公开", "granted"),
    (None, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
    ("(三)不予公开", "1.属于国家秘密", "denied_state_secret"),
    (None, "2.其他法律行政法规禁止公开", "denied_prohibited_by_law"),
    (None, "3.危及“三安全一稳定”", "denied_security_stability"),
    (None, "4.保护第三方合法权益", "denied_third_party_rights"),
    (None, "5.属于三类内部事务信息", "denied_internal_affairs"),
    (None, "6.属于四类过程性信息", "denied_process_information"),
    (None, "7.属于行政执法案卷", "denied_enforcement_files"),
    (None, "8.属于行政查询事项", "denied_administrative_inquiry"),
    ("(四)无法提供", "1.本机关不掌握相关政府信息", "unavailable_not_held"),
    (None, "2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    (None, "3.补正后申请内容仍不明确", "unavailable_unclear_after_correction"),
    ("(五)不予处理", "1.信访举报投诉类申请", "not_handled_petition_complaint"),
    (None, "2.重复申请", "not_handled_repeated"),
    (None, "3.要求提供公开出版物", "not_handled_publication"),
    (None, "4.无正当理由大量反复申请", "not_handled_mass_repeated"),
    (None, "5.要求行政机关确认或重新出具已获取信息", "not_handled_confirmation"),
)
_T3_OTHER = {
    "2021": (
        ("(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
        (None, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_fee_unpaid"),
        (None, "3.其他", "other_other"),
    ),
    "2019": ((None, "(六)其他处理", "other_handling"),),
}
_T3_TAIL = ((None, "(七)总计", "total_handled"), (None, "四、结转下年度继续办理", "carried_forward"))
T3_MAJOR = "三、本年度办理结果"
T3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
# The header words of Table 3 in the order a dump lists them: the first header row, then the
# five applicant kinds printed under 法人或其他组织.
T3_HEADER = (
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "总计",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
)


def t3_rows(layout: str) -> tuple[tuple[str | None, str, str], ...]:
    return _T3_HEAD + _T3_OTHER[layout] + _T3_TAIL


@cache
def t3_outcomes(layout: str) -> tuple[str, ...]:
    """The outcome rows (七)总计 adds up, in printed order."""
    return tuple(
        code
        for _, _, code in t3_rows(layout)
        if code not in ("new_received", "carried_over", "total_handled", "carried_forward")
    )


# Table 2 blocks: (item marker, [(header label, column code)], [(row label, row code)]).
T2_BLOCKS = {
    "2021": (
        (
            "第二十条第(一)项",
            (("本年制发件数", "issued"), ("本年废止件数", "abolished"), ("现行有效件数", "in_force")),
            (("规章", "regulations"), ("行政规范性文件", "normative_documents")),
        ),
        ("第二十条第(五)项", (("本年处理决定数量", "decisions"),), (("行政许可", "administrative_licensing"),)),
        (
            "第二十条第(六)项",
            (("本年处理决定数量", "decisions"),),
            (("行政处罚", "administrative_penalty"), ("行政强制", "administrative_coercion")),
        ),
        (
            "第二十条第(八)项",
            (("本年收费金额(单位:万元)", "amount_10k_yuan"),),
            (("行政事业性收费", "administrative_fees"),),
        ),
    ),
    "2019": (
        (
            "第二十条第(一)项",
            (
                ("本年新制作数量", "newly_made"),
                ("本年新公开数量", "newly_published"),
                ("对外公开总数量", "published_total"),
            ),
            (("规章", "regulations"), ("规范性文件", "normative_documents")),
        ),
        (
            "第二十条第(五)项",
            (("上一年项目数量", "previous_year_items"), ("本年增/减", "change"), ("处理决定数量", "decisions")),
            (("行政许可", "administrative_licensing"), ("其他对外管理服务事项", "other_external_services")),
        ),
        (
            "第二十条第(六)项",
            (("上一年项目数量", "previous_year_items"), ("本年增/减", "change"), ("处理决定数量", "decisions")),
            (("行政处罚", "administrative_penalty"), ("行政强制", "administrative_coercion")),
        ),
        (
            "第二十条第(八)项",
            (("上一年项目数量", "previous_year_items"), ("本年增/减", "change")),
            (("行政事业性收费", "administrative_fees"),),
        ),
        (
            "第二十条第(九)项",
            (("采购项目数量", "procurement_items"), ("采购总金额", "procurement_amount")),
            (("政府集中采购", "government_procurement"),),
        ),
    ),
}
# Table 4's header words in the order a dump lists them: the two top headings, the five columns
# under 行政复议, the two kinds of 行政诉讼, then the five columns under each.
T4_HEADER = (
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
) + ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2
SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
