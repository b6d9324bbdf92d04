"""One known report rendered in every input form the table extractor meets.

The printed labels here are written out independently of orchestration.parsing.codes, as a
report would print them, so the tests check the extractor against the layout, not against itself.
"""
from __future__ import annotations

from dataclasses import dataclass

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution",
              "public_interest_org", "legal_service_org", "other_org")
T3_COLUMNS = (*APPLICANTS, "total")
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# (group label printed once before the first row of its group, row label, code)
_T3_HEAD = (
    (None, "一、本年新收政府信息公开申请数量", "new_received"),
    (None, "二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果", "(一)予以公开", "granted"),
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
_T3_OTHER_2021 = (
    ("(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "other_no_correction"),
    (None, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "other_fee_unpaid"),
    (None, "3.其他", "other_other"),
)
_T3_OTHER_2019 = ((None, "(六)其他处理", "other_handling"),)
_T3_TAIL = (
    (None, "(七)总计", "total_handled"),
    (None, "四、结转下年度继续办理", "carried_forward"),
)


def t3_printed_rows(layout: str) -> tuple[tuple[str | None, str, str], ...]:
    return _T3_HEAD + (_T3_OTHER_2021 if layout == "2021" else _T3_OTHER_2019) + _T3_TAIL


def t3_outcome_codes(layout: str) -> list[str]:
    return [code for _, _, code in t3_printed_rows(layout)
            if code not in ("new_received", "carried_over", "total_handled", "carried_forward")]


# Table 2 as printed: (item marker, header labels, rows (label, code, raw cells)), column codes.
@dataclass(frozen=True)
class T2Block:
    item: str
    headers: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, str, tuple[str, ...]], ...]


T2_2021 = (
    T2Block("第二十条第(一)项", ("本年制发件数", "本年废止件数", "现行有效件数"),
            ("issued", "abolished", "in_force"),
            (("规章", "regulations", ("2", "0", "15")),
             ("行政规范性文件", "normative_documents", ("7", "3", "120")))),
    T2Block("第二十条第(五)项", ("本年处理决定数量",), ("decisions",),
            (("行政许可", "administrative_licensing", ("12345678",)),)),
    T2Block("第二十条第(六)项", ("本年处理决定数量",), ("decisions",),
            (("行政处罚", "administrative_penalty", ("1,056",)),
             ("行政强制", "administrative_coercion", ("/",)))),
    T2Block("第二十条第(八)项", ("本年收费金额(单位:万元)",), ("amount_10k_yuan",),
            (("行政事业性收费", "administrative_fees", ("1.254321",)),)),
)

T2_2019 = (
    T2Block("第二十条第(一)项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
            ("newly_made", "newly_published", "published_total"),
            (("规章", "regulations", ("2", "2", "40")),
             ("规范性文件", "normative_documents", ("5", "4", "88")))),
    T2Block("第二十条第(五)项", ("上一年项目数量", "本年增/减", "处理决定数量"),
            ("previous_year_items", "change", "decisions"),
            (("行政许可", "administrative_licensing", ("12", "-2", "340")),
             ("其他对外管理服务事项", "other_external_services", ("4", "1", "25")))),
    T2Block("第二十条第(六)项", ("上一年项目数量", "本年增/减", "处理决定数量"),
            ("previous_year_items", "change", "decisions"),
            (("行政处罚", "administrative_penalty", ("30", "0", "1234")),
             ("行政强制", "administrative_coercion", ("3", "—", "0")))),
    T2Block("第二十条第(八)项", ("上一年项目数量", "本年增/减"),
            ("previous_year_items", "change"),
            (("行政事业性收费", "administrative_fees", ("2", "0")),)),
    T2Block("第二十条第(九)项", ("采购项目数量", "采购总金额"),
            ("procurement_items", "procurement_amount"),
            (("政府集中采购", "government_procurement", ("6", "251000元")),)),
)


def table3_from_outcomes(outcomes: dict[str, list[int]], carried_over: list[int],
                         carried_forward: list[int]) -> dict[str, list[int]]:
    """A consistent Table 3 (7 cells a row) from its outcome rows (6 applicant cells each):
    totals by the layout's arithmetic, new_received by the balance rule."""
    handled = [sum(col) for col in zip(*outcomes.values())]
    new = [h + f - c for h, f, c in zip(handled, carried_forward, carried_over)]
    assert min(new) >= 0, "carried_over larger than handled + carried_forward"
    six = {"new_received": new, "carried_over": carried_over, **outcomes,
           "total_handled": handled, "carried_forward": carried_forward}
    return {code: [*cells, sum(cells)] for code, cells in six.items()}


@dataclass(frozen=True)
class Report:
    layout: str
    table2: tuple[T2Block, ...]
    table3: dict[str, list[int]]  # code -> 7 cells, in printed order
    table4: dict[str, list[int]]  # group -> 5 cells

    def t3_raw(self, code: str) -> list[str]:
        return [str(v) for v in self.table3[code]]

    def t4_raw(self) -> list[str]:
        return [str(v) for g in T4_GROUPS for v in self.table4[g]]

    def expected(self) -> set[tuple[int, str, str, object, str]]:
        """(table, row, column, value, raw) of every cell the report has."""
        cells = set()
        for block in self.table2:
            for _, code, raws in block.rows:
                for col, raw in zip(block.columns, raws):
                    cells.add((2, code, col, T2_VALUES.get(raw, raw), raw))
        for code, values in self.table3.items():
            cells |= {(3, code, col, v, str(v)) for col, v in zip(T3_COLUMNS, values)}
        for group, values in self.table4.items():
            cells |= {(4, group, col, v, str(v)) for col, v in zip(T4_COLUMNS, values)}
        return cells


# What each raw Table 2 cell of the fixtures must read as.
T2_VALUES: dict[str, object] = {
    "/": None, "—": None, "1,056": 1056, "1.254321": 1.254321, "251000元": 251000, "-2": -2,
    **{str(n): n for n in (0, 1, 2, 3, 4, 5, 6, 7, 12, 15, 25, 30, 40, 88, 120, 340, 1234, 12345678)},
}

_OUTCOMES_2021 = {
    "granted": [12, 4, 0, 1, 2, 0],
    "partially_granted": [3, 0, 0, 0, 1, 0],
    "denied_state_secret": [1, 0, 0, 0, 0, 0],
    "denied_third_party_rights": [2, 0, 0, 0, 0, 0],
    "unavailable_not_held": [9, 2, 0, 0, 0, 0],
    "unavailable_needs_creation": [0, 0, 0, 0, 0, 1],
    "not_handled_petition_complaint": [0, 0, 0, 0, 1, 0],
    "not_handled_repeated": [4, 0, 0, 0, 0, 0],
    "other_no_correction": [0, 1, 0, 0, 0, 0],
    "other_fee_unpaid": [0, 0, 0, 0, 0, 1],
    "other_other": [1, 0, 0, 0, 0, 0],
}


def _outcomes(layout: str) -> dict[str, list[int]]:
    rows = {code: _OUTCOMES_2021.get(code, [0] * 6) for code in t3_outcome_codes("2021")}
    if layout == "2019":
        merged = [sum(c) for c in zip(*(rows.pop(k) for k in
                                         ("other_no_correction", "other_fee_unpaid", "other_other")))]
        rows = {code: rows.get(code, merged) for code in t3_outcome_codes("2019")}
    return rows


def known_report(layout: str = "2021") -> Report:
    table3 = table3_from_outcomes(_outcomes(layout), [5, 1, 0, 0, 0, 0], [3, 1, 0, 0, 1, 0])
    table4 = {"review": [1, 2, 0, 1, 4], "litigation_direct": [0, 1, 1, 0, 2],
              "litigation_after_review": [3, 0, 0, 12, 15]}
    return Report(layout, T2_2021 if layout == "2021" else T2_2019, table3, table4)


# --- renderings -------------------------------------------------------------------------------
PROSE_TOP = (
    "某某区人民政府2023年政府信息公开工作年度报告",
    "一、总体情况",
    "2023年,我区主动公开政府信息1156条,收到申请 45 件,答复 45 件。",
)
PROSE_BOTTOM = (
    "五、存在的主要问题及改进情况",
    "2024年将开展培训 3 次,覆盖 120 人。",
    "六、其他需要报告的事项",
)
_T3_HEADER = ("申请人情况", "自然人", "法人或其他组织", "总计",
              "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_T4_HEADER = ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
              "未经复议直接起诉", "复议后起诉") + ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2


def _document(t2: list[str], t3: list[str], t4: list[str]) -> str:
    return "\n".join([*PROSE_TOP, "二、主动公开政府信息情况", *t2,
                      "三、收到和处理政府信息公开申请情况", *t3,
                      "四、政府信息公开行政复议、行政诉讼情况", *t4, *PROSE_BOTTOM])


def one_cell_per_line(report: Report) -> str:
    """Seed 002's form: every label and every value on its own line, blank lines between."""
    t2 = []
    for block in report.table2:
        t2 += [block.item, "信息内容", *block.headers]
        for label, _, raws in block.rows:
            t2 += [label, *raws]
    t3 = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
          "申请人情况", "自然人", "法人或其他组织", "总计", "商业", "企业", "科研", "机构",
          "社会公益组织", "法律服务机构", "其他"]
    for group, label, code in t3_printed_rows(report.layout):
        t3 += [g for g in (group,) if g] + [label, *report.t3_raw(code)]
    return "\n\n".join(_document(t2, t3, [*_T4_HEADER, *report.t4_raw()]).split("\n"))


def markdown(report: Report) -> str:
    md = _md
    t2 = []
    for block in report.table2:
        t2 += [md([block.item]), md(["信息内容", *block.headers]),
               md(["---"] * (1 + len(block.headers)))]
        t2 += [md([label, *raws]) for label, _, raws in block.rows]
    t3 = [md(["申请人情况", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]),
          md(["---"] * 9),
          md(["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""])]
    for group, label, code in t3_printed_rows(report.layout):
        t3.append(md([group or "", label, *report.t3_raw(code)]))
    t4 = [md(["行政复议", "", "", "", "", "行政诉讼"]), md(["---"] * 6),
          md(list(_T4_HEADER[2:])), md(report.t4_raw())]
    return _document(t2, t3, t4)


def _md(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_values_apart(report: Report, values_first: bool | None) -> str:
    """A PDF converter's markdown: Table 3 rows' numbers on an unlabelled row of their own, just
    before (`values_first`, the label cell was centred on a tall row) or after their label row;
    None: every third row only, before and after in turn, the other rows as printed."""
    text = markdown(report)
    for n, (group, label, code) in enumerate(t3_printed_rows(report.layout)):
        if values_first is None and n % 3:
            continue
        before = values_first if values_first is not None else n % 2 == 0
        row = _md([group or "", label, *report.t3_raw(code)])
        labels, values = _md([group or "", label, *[""] * 7]), _md(["", "", *report.t3_raw(code)])
        text = text.replace(row, "\n".join((values, labels) if before else (labels, values)), 1)
    return text


def markdown_wrapped_label(report: Report, code: str, cut: int, numbers_on_first: bool) -> str:
    """A PDF converter's markdown where one Table 3 label wrapped after `cut` characters onto a
    second row, the numbers standing on the first or on the second half."""
    group, label = next((g, lab) for g, lab, c in t3_printed_rows(report.layout) if c == code)
    row = _md([group or "", label, *report.t3_raw(code)])
    cells, blank = report.t3_raw(code), [""] * 7
    first = _md([group or "", label[:cut], *(cells if numbers_on_first else blank)])
    second = _md(["", label[cut:], *(blank if numbers_on_first else cells)])
    return markdown(report).replace(row, first + "\n" + second, 1)


# How the numbers of a Table 3 row stand in real one-line scrapes (../real-reports 001, 002, 007,
# 014): fully glued, spaced but the last two, the first two and last two glued, fully spaced.
ONE_LINE_SPACINGS = {
    "glued": lambda raws: "".join(raws),
    "last_two_glued": lambda raws: " ".join(raws[:5]) + " " + raws[5] + raws[6],
    "ends_glued": lambda raws: raws[0] + raws[1] + " " + " ".join(raws[2:5]) + " " + raws[5] + raws[6],
    "spaced": lambda raws: " ".join(raws),
}


def one_line(report: Report, spacing: str) -> str:
    """A portal page's text with its tags removed: the whole report on one line, header cells
    run together, each row label followed directly by its numbers (so the next label's ordinal
    sticks to the last one), Table 4 one run after its header words."""
    join = ONE_LINE_SPACINGS[spacing]
    t2 = []
    for block in report.table2:
        t2 += [block.item, "信息内容", *block.headers]
        t2 += [label + " ".join(raws) for label, _, raws in block.rows]
    t3 = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", *_T3_HEADER]
    for group, label, code in t3_printed_rows(report.layout):
        t3 += [g for g in (group,) if g] + [label + join(report.t3_raw(code))]
    t4 = [*_T4_HEADER, "".join(report.t4_raw())]
    return "".join(_document(t2, t3, t4).split("\n"))


def space_separated(report: Report, glue: bool = False) -> str:
    """Each row on one line, cells separated by spaces; `glue` drops the separators between
    the numbers of Table 3 and Table 4 rows (the glued-digit dumps)."""
    sep = "" if glue else " "
    t2 = []
    for block in report.table2:
        t2 += [block.item, " ".join(["信息内容", *block.headers])]
        t2 += [" ".join([label, *raws]) for label, _, raws in block.rows]
    t3 = [" ".join(_T3_HEADER)]
    for group, label, code in t3_printed_rows(report.layout):
        t3.append(" ".join([g for g in (group,) if g] + [label, sep.join(report.t3_raw(code))]))
    t4 = [" ".join(_T4_HEADER), sep.join(report.t4_raw())]
    return _document(t2, t3, t4)


def html_grids(report: Report, rowspan_as_empty: bool = False, extra_cells: int = 0
               ) -> list[list[list[str]]]:
    """The tables as an HTML parser hands them over: rowspan/colspan not expanded, so a group
    label stands only in its group's first row. `rowspan_as_empty` writes an empty cell where a
    rowspan would be; `extra_cells` appends empty cells to every data row (wrong colspans)."""
    pad = [""] * extra_cells
    t2 = []
    for block in report.table2:
        t2 += [[block.item], ["信息内容", *block.headers]]
        t2 += [[label, *raws, *pad] for label, _, raws in block.rows]
    t3 = [["申请人情况", "自然人", "法人或其他组织", "总计"],
          ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
    for group, label, code in t3_printed_rows(report.layout):
        labels = [group, label] if group else ([""] if rowspan_as_empty else []) + [label]
        t3.append([*labels, *report.t3_raw(code), *pad])
    t4 = [["行政复议", "行政诉讼"], list(_T4_HEADER[2:9]), list(_T4_HEADER[9:]),
          [*report.t4_raw(), *pad]]
    # A layout table of the portal page, with numbers, before the report's tables.
    chrome = [["首页", "政务公开", "2024-01-19"], ["访问量", "418872"]]
    return [chrome, t2, t3, t4]


def document_text_for_grids() -> str:
    """The text an HTML page's cleaning gives besides the grids: headings and prose only."""
    return _document([], [], [])
