"""Row and column codes of the report tables, as data.

This module is the single source of truth for the codes of docs/report-format.md;
the dbt seed of codes is generated from (and compared against) it, so it holds plain frozen
records and nothing that parses text. `order` is the 1-based position in the printed table;
`layouts` names the layouts ("2021", "2019") in which the row or column is printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

LAYOUTS = ("2021", "2019")
BOTH = LAYOUTS


@dataclass(frozen=True)
class RowCode:
    code: str
    label: str
    group: str
    order: int
    layouts: tuple[str, ...]


@dataclass(frozen=True)
class ColumnCode:
    code: str
    label: str
    order: int
    layouts: tuple[str, ...]
    group: str | None = None  # the heading the column is printed under, if any (Table 3's 法人或其他组织)


@dataclass(frozen=True)
class Table2Block:
    """One 第二十条 item block of Table 2: its rows share the same columns."""

    layout: str
    item: str  # 第二十条第(一)项 ...
    rows: tuple[tuple[str, str], ...]  # (code, label)
    columns: tuple[tuple[str, str], ...]  # (code, label)


# --- Table 3 ------------------------------------------------------------------------------
# Row groups: intake (一/二), the outcome groups of 三 (granted, denied, unavailable,
# not_handled, other), total (三(七)总计) and carry_forward (四).
OUTCOME_GROUPS = ("granted", "denied", "unavailable", "not_handled", "other")

_T3_ROWS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("new_received", "一、本年新收政府信息公开申请数量", "intake", BOTH),
    ("carried_over", "二、上年结转政府信息公开申请数量", "intake", BOTH),
    ("granted", "三、本年度办理结果(一)予以公开", "granted", BOTH),
    ("partially_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "granted", BOTH),
    ("denied_state_secret", "(三)不予公开 1.属于国家秘密", "denied", BOTH),
    ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", "denied", BOTH),
    ("denied_security_stability", "3.危及“三安全一稳定”", "denied", BOTH),
    ("denied_third_party_rights", "4.保护第三方合法权益", "denied", BOTH),
    ("denied_internal_affairs", "5.属于三类内部事务信息", "denied", BOTH),
    ("denied_process_information", "6.属于四类过程性信息", "denied", BOTH),
    ("denied_enforcement_files", "7.属于行政执法案卷", "denied", BOTH),
    ("denied_administrative_inquiry", "8.属于行政查询事项", "denied", BOTH),
    ("unavailable_not_held", "(四)无法提供 1.本机关不掌握相关政府信息", "unavailable", BOTH),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作", "unavailable", BOTH),
    ("unavailable_unclear_after_correction", "3.补正后申请内容仍不明确", "unavailable", BOTH),
    ("not_handled_petition_complaint", "(五)不予处理 1.信访举报投诉类申请", "not_handled", BOTH),
    ("not_handled_repeated", "2.重复申请", "not_handled", BOTH),
    ("not_handled_publication", "3.要求提供公开出版物", "not_handled", BOTH),
    ("not_handled_mass_repeated", "4.无正当理由大量反复申请", "not_handled", BOTH),
    ("not_handled_confirmation", "5.要求行政机关确认或重新出具已获取信息", "not_handled", BOTH),
    (
        "other_no_correction",
        "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other",
        ("2021",),
    ),
    (
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other",
        ("2021",),
    ),
    ("other_other", "3.其他", "other", ("2021",)),
    ("other_handling", "(六)其他处理", "other", ("2019",)),
    ("total_handled", "(七)总计", "total", BOTH),
    ("carried_forward", "四、结转下年度继续办理", "carry_forward", BOTH),
)

TABLE3_ROWS: tuple[RowCode, ...] = tuple(
    RowCode(code, label, group, order, layouts) for order, (code, label, group, layouts) in enumerate(_T3_ROWS, start=1)
)

_LEGAL_PERSON = "legal_person_or_org"  # 法人或其他组织
TABLE3_COLUMNS: tuple[ColumnCode, ...] = tuple(
    ColumnCode(code, label, order, BOTH, group)
    for order, (code, label, group) in enumerate(
        (
            ("natural_person", "自然人", None),
            ("commercial_enterprise", "法人或其他组织 商业企业", _LEGAL_PERSON),
            ("research_institution", "法人或其他组织 科研机构", _LEGAL_PERSON),
            ("public_interest_org", "法人或其他组织 社会公益组织", _LEGAL_PERSON),
            ("legal_service_org", "法人或其他组织 法律服务机构", _LEGAL_PERSON),
            ("other_org", "法人或其他组织 其他", _LEGAL_PERSON),
            ("total", "总计", None),
        ),
        start=1,
    )
)

TABLE3_APPLICANT_COLUMNS: tuple[str, ...] = tuple(c.code for c in TABLE3_COLUMNS[:-1])


def table3_row_codes(layout: str) -> tuple[str, ...]:
    """The 25 (2021) or 23 (2019) row codes of Table 3, in printed order."""
    return tuple(r.code for r in TABLE3_ROWS if layout in r.layouts)


def table3_outcome_codes(layout: str) -> tuple[str, ...]:
    """The 21 (2021) or 19 (2019) outcome rows that (七)总计 sums: (一), (二), the 8 of (三), 3 of
    (四), 5 of (五), and (六) as 3 sub-rows (2021) or one row (2019). report-format.md says
    "20 / 18" but its own row list holds 21 / 19; the list is what reports print."""
    return tuple(r.code for r in TABLE3_ROWS if layout in r.layouts and r.group in OUTCOME_GROUPS)


# --- Table 4 ------------------------------------------------------------------------------
TABLE4_GROUPS: tuple[ColumnCode, ...] = (
    ColumnCode("review", "行政复议", 1, BOTH),
    ColumnCode("litigation_direct", "行政诉讼 未经复议直接起诉", 2, BOTH),
    ColumnCode("litigation_after_review", "行政诉讼 复议后起诉", 3, BOTH),
)

TABLE4_COLUMNS: tuple[ColumnCode, ...] = (
    ColumnCode("upheld", "结果维持", 1, BOTH),
    ColumnCode("corrected", "结果纠正", 2, BOTH),
    ColumnCode("other", "其他结果", 3, BOTH),
    ColumnCode("pending", "尚未审结", 4, BOTH),
    ColumnCode("total", "总计", 5, BOTH),
)

# The codes in printed order: Table 3's columns, and Table 4's (group, column) cells as linear
# text lists its 15 numbers.
TABLE3_COLUMN_CODES: tuple[str, ...] = tuple(c.code for c in TABLE3_COLUMNS)
TABLE4_KEYS: tuple[tuple[str, str], ...] = tuple((g.code, c.code) for g in TABLE4_GROUPS for c in TABLE4_COLUMNS)
# The cells of a complete Table 3 in its smaller (2019) layout: a reading with fewer is partial.
TABLE3_FULL_CELLS = len(table3_row_codes("2019")) * len(TABLE3_COLUMNS)


# --- Table 2 ------------------------------------------------------------------------------
_DECISIONS_2019 = (("previous_year_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))

TABLE2_BLOCKS: tuple[Table2Block, ...] = (
    Table2Block(
        "2021",
        "第二十条第(一)项",
        (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
        (("issued", "本年制发件数"), ("abolished", "本年废止件数"), ("in_force", "现行有效件数")),
    ),
    Table2Block(
        "2021", "第二十条第(五)项", (("administrative_licensing", "行政许可"),), (("decisions", "本年处理决定数量"),)
    ),
    Table2Block(
        "2021",
        "第二十条第(六)项",
        (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")),
        (("decisions", "本年处理决定数量"),),
    ),
    Table2Block(
        "2021",
        "第二十条第(八)项",
        (("administrative_fees", "行政事业性收费"),),
        (("amount_10k_yuan", "本年收费金额(单位:万元)"),),
    ),
    Table2Block(
        "2019",
        "第二十条第(一)项",
        (("regulations", "规章"), ("normative_documents", "规范性文件")),
        (
            ("newly_made", "本年新制作数量"),
            ("newly_published", "本年新公开数量"),
            ("published_total", "对外公开总数量"),
        ),
    ),
    Table2Block(
        "2019",
        "第二十条第(五)项",
        (("administrative_licensing", "行政许可"), ("other_external_services", "其他对外管理服务事项")),
        _DECISIONS_2019,
    ),
    Table2Block(
        "2019",
        "第二十条第(六)项",
        (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")),
        _DECISIONS_2019,
    ),
    Table2Block("2019", "第二十条第(八)项", (("administrative_fees", "行政事业性收费"),), _DECISIONS_2019[:2]),
    Table2Block(
        "2019",
        "第二十条第(九)项",
        (("government_procurement", "政府集中采购"),),
        (("procurement_items", "采购项目数量"), ("procurement_amount", "采购总金额")),
    ),
)


@cache  # a lookup in constant data, for every Table 2 row read
def table2_columns_of(row: str, layout: str | None) -> tuple[str, ...]:
    """The columns a Table 2 row has in `layout`, in printed order; () for an unknown layout."""
    for block in TABLE2_BLOCKS:
        if block.layout == layout and any(code == row for code, _ in block.rows):
            return tuple(code for code, _ in block.columns)
    return ()


# Every (layout, row, column) the printed Table 2 has.
TABLE2_CELLS: frozenset[tuple[str, str, str]] = frozenset(
    (b.layout, row, col) for b in TABLE2_BLOCKS for row, _ in b.rows for col, _ in b.columns
)


def _table2_codes(kind: str) -> tuple[RowCode | ColumnCode, ...]:
    """Flatten the blocks into one ordered record per (code, label, layout)."""
    seen: dict[tuple[str, str], list[str]] = {}
    for block in TABLE2_BLOCKS:
        for code, label in getattr(block, kind):
            seen.setdefault((code, label), []).append(block.layout)
    if kind == "rows":
        items = {(code, label): block.item for block in TABLE2_BLOCKS for code, label in block.rows}
        return tuple(
            RowCode(code, label, items[(code, label)], order, tuple(dict.fromkeys(lay)))
            for order, ((code, label), lay) in enumerate(seen.items(), start=1)
        )
    return tuple(
        ColumnCode(code, label, order, tuple(dict.fromkeys(lay)))
        for order, ((code, label), lay) in enumerate(seen.items(), start=1)
    )


# For Table 2, RowCode.group is the 第二十条 item the row belongs to. A code whose label differs
# between layouts (行政规范性文件 / 规范性文件) has one record per label.
TABLE2_ROWS: tuple[RowCode, ...] = _table2_codes("rows")  # type: ignore[assignment]
TABLE2_COLUMNS: tuple[ColumnCode, ...] = _table2_codes("columns")  # type: ignore[assignment]

# Table 2 columns whose values are amounts (may carry decimals), with the kind of amount the
# warehouse names: in 万元 where the table prints the unit, a plain amount where it does not.
TABLE2_AMOUNT_KINDS = {"amount_10k_yuan": "amount_10k_yuan", "procurement_amount": "amount"}
TABLE2_DECIMAL_COLUMNS = frozenset(TABLE2_AMOUNT_KINDS)
# Table 2 columns whose values are signed changes (may be negative).
TABLE2_SIGNED_COLUMNS = frozenset({"change"})
