"""Recognising table labels as row and column codes.

Labels in the wild lose their 序号, swap 合计 for 总计, carry typos and wrap across lines, so a
label is recognised by a short keyword that only its own row has, not by its full text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher
from functools import lru_cache

from .codes import TABLE3_ROWS, table2_columns_of, table3_row_codes

_NOISE = re.compile(r"[\s\u00a0\u3000\"'“”‘’「」『』]+")


def normalise(label: str) -> str:
    """Drop spacing and quotes; NFKC has already unified brackets and digits."""
    return _NOISE.sub("", label).replace("（", "(").replace("）", ")")


def _compile(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((code, re.compile(pattern)) for code, pattern in pairs)


# Checked in this order; the first hit wins. Each keyword is one no other row's label contains
# (e.g. 大量反复 vs 重复申请, 不补正 vs 补正后).
_TABLE3_ROWS = _compile(
    (
        ("new_received", r"新收"),
        ("carried_over", r"上年(?:度)?结转"),
        ("carried_forward", r"结转下|下年度?继续"),
        ("partially_granted", r"部分公开"),
        ("granted", r"(?<!不)予以?公开"),
        ("denied_state_secret", r"国家秘密"),
        ("denied_prohibited_by_law", r"禁止公开"),
        ("denied_security_stability", r"三安全|一稳定|危及"),
        ("denied_third_party_rights", r"第三方"),
        ("denied_internal_affairs", r"内部事务"),
        ("denied_process_information", r"过程性"),
        ("denied_enforcement_files", r"执法案卷"),
        ("denied_administrative_inquiry", r"查询事项"),
        ("unavailable_not_held", r"不掌握"),
        ("unavailable_needs_creation", r"另行制作|没有现成"),
        ("unavailable_unclear_after_correction", r"仍不明确|补正后"),
        ("not_handled_petition_complaint", r"信访|举报投诉"),
        ("not_handled_mass_repeated", r"大量反复|反复申请"),
        ("not_handled_repeated", r"重复申请"),
        ("not_handled_publication", r"出版物"),
        ("not_handled_confirmation", r"确认|重新出具"),
        ("other_no_correction", r"不补正|逾期不补"),
        ("other_fee_unpaid", r"缴纳费用|收费通知"),
        ("total_handled", r"^\(七\)"),
    )
)

# Labels whose meaning depends on the row before them.
_OTHER_OTHER = re.compile(r"^(?:\(六\)其他处理)?(?:3[.、]?)?其他$")
_NUMBERED_OTHER = re.compile(r"3[.、]?其他$")
_OTHER_HANDLING = re.compile(r"^(?:\(六\))?其他处理$")
_TOTAL = re.compile(r"^(?:\(七\))?(?:总计|合计)$")
_OTHER_SUBROWS = frozenset({"other_no_correction", "other_fee_unpaid"})


# Reports print the same labels over and over: each distinct label is matched once per process.
_cached = lru_cache(maxsize=16384)


@_cached
def table3_row(label: str, previous: str | None) -> str | None:
    """The Table 3 row code of a label, or None. `previous` is the row read just before: a bare
    其他 is row (六)3 only right after (六)1/2, and a bare 总计 is (七)总计 only once outcome rows
    were read (before them 总计 is the column header)."""
    text = normalise(label)
    for code, pattern in _TABLE3_ROWS:
        if pattern.search(text):
            return code
    if _OTHER_OTHER.match(text) and (previous in _OTHER_SUBROWS or _NUMBERED_OTHER.search(text)):
        return "other_other"
    if _OTHER_HANDLING.match(text):
        return "other_handling"
    if _TOTAL.match(text) and previous not in (None, "new_received", "carried_over"):
        return "total_handled"
    return None


def table3_row_of(labels: list[str], previous: str | None) -> str | None:
    """The row code of a row whose label cells (or lines) are `labels`: the last label that is a
    row label wins, since group labels, wrapped halves and repeated headers precede it. A label
    wrapped mid-keyword is retried joined with the line before it."""
    for i in range(len(labels) - 1, -1, -1):
        code = table3_row(labels[i], previous)
        if code is None and i > 0:
            code = table3_row(labels[i - 1] + labels[i], previous)
        if code is not None:
            return code
    return None


# --- Table 2 ------------------------------------------------------------------------------
# Possessive spaces: linear.py turns pipes into spaces, and nested optional runs of them made the
# plain pattern cubic on a long run.
ITEM_MARKER = re.compile(r"第二十条\s*+第?\s*+\(?\s*+([一二三四五六七八九十]+)\s*+\)?\s*+项")

_TABLE2_COLUMNS = _compile(
    (
        ("issued", r"制发"),
        ("abolished", r"废止"),
        ("in_force", r"现行有效"),
        ("newly_made", r"新制作"),
        ("newly_published", r"新公开"),
        ("published_total", r"公开总数|对外公开总"),
        ("previous_year_items", r"上一?年(?:度)?项目"),
        ("change", r"增/?\(?减"),
        ("decisions", r"处理决定"),
        ("amount_10k_yuan", r"收费金额"),
        ("procurement_items", r"采购项目"),
        ("procurement_amount", r"采购(?:总)?金额"),
    )
)

_TABLE2_ROWS = _compile(
    (
        ("normative_documents", r"规范性文件"),
        ("regulations", r"规章"),
        ("other_external_services", r"对外管理服务"),
        ("administrative_licensing", r"行政许可"),
        ("administrative_penalty", r"行政处罚"),
        ("administrative_coercion", r"行政强制"),
        ("administrative_fees", r"事业性收费"),
        ("government_procurement", r"集中采购"),
    )
)

TABLE2_2021_COLUMNS = frozenset({"issued", "abolished", "in_force", "amount_10k_yuan"})
TABLE2_2019_COLUMNS = frozenset(
    {
        "newly_made",
        "newly_published",
        "published_total",
        "previous_year_items",
        "change",
        "procurement_items",
        "procurement_amount",
    }
)


def table2_layout(columns: set[str]) -> str | None:
    """The layout Table 2's header words show: 本年制发件数 … (2021) or 本年新制作数量 … (2019)."""
    if columns & TABLE2_2021_COLUMNS:
        return "2021"
    if columns & TABLE2_2019_COLUMNS:
        return "2019"
    return None


def table2_row_columns(row: str, layout: str | None, read: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The columns a Table 2 row's values go to: the header read, in the layout's printed order
    when it holds the same columns (converters scramble header cells, never a row's values);
    the layout's columns when no header was read."""
    printed = table2_columns_of(row, layout)
    if not read or set(read) == set(printed):
        return printed
    return tuple(read)


def _first(patterns: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> str | None:
    return next((code for code, pattern in patterns if pattern.search(text)), None)


@_cached
def table2_column(label: str) -> str | None:
    return _first(_TABLE2_COLUMNS, normalise(label))


@_cached
def table2_row(label: str) -> str | None:
    text = normalise(label)
    # A column header such as 本年收费金额 must not be read as the row 行政事业性收费.
    return None if table2_column(text) else _first(_TABLE2_ROWS, text)


# --- labels in running text ------------------------------------------------------------------
# Where a page's text lost its cells, each Table 3 row is found by its keyword, searched in table
# order after the row before it (so a keyword need only be unique among the rows that follow).
# The first hit of each keyword after the previous row is that row's label.
def _table3_anchors(layout: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = dict(_TABLE3_ROWS)
    patterns["total_handled"] = re.compile(r"\(七\)|总计|合计")
    patterns["other_other"] = re.compile(r"其他")
    patterns["other_handling"] = re.compile(r"其他处理")
    return tuple((code, patterns[code]) for code in table3_row_codes(layout))


TABLE3_ANCHORS = {layout: _table3_anchors(layout) for layout in ("2021", "2019")}
# (六)'s sub-rows: their presence is what tells the 2021 row list from the 2019 one.
TABLE3_2021_SUBROW = re.compile(r"不补正|逾期不补|缴纳费用|收费通知")

# Table 2 labels in running text: every column and row keyword in one pattern, for one scan of
# a block; group names are "column__<code>" and "row__<code>".
_TABLE2_KEYWORDS = re.compile(
    "|".join(
        [f"(?P<column__{code}>{p.pattern})" for code, p in _TABLE2_COLUMNS]
        + [f"(?P<row__{code}>{p.pattern})" for code, p in _TABLE2_ROWS]
    )
)
# The same alternation without the groups: the regex engine then skips ahead to the characters a
# keyword can open with, instead of trying every keyword at every character (~10x faster).
_TABLE2_KEYWORD_SCAN = re.compile("|".join(p.pattern for _, p in _TABLE2_COLUMNS + _TABLE2_ROWS))


def table2_keywords(text: str, start: int, stop: int) -> Iterator[tuple[str, str, int, int]]:
    """Column and row keywords of Table 2 in text[start:stop], in order, none overlapping:
    (kind, code, start, end). At each hit of the scan the grouped pattern takes the same branch
    (both try the keywords in the same order), so it names the keyword."""
    for hit in _TABLE2_KEYWORD_SCAN.finditer(text, start, stop):
        m = _TABLE2_KEYWORDS.match(text, hit.start(), stop)
        kind, code = m.lastgroup.split("__")  # type: ignore[union-attr]
        yield kind, code, m.start(), m.end()  # type: ignore[union-attr]


# --- labels with typos ------------------------------------------------------------------------
# A misspelt label ('属于国家秘蜜', '保护第叁方合法权益') misses its keyword but keeps most of the
# printed label in order. It is matched against the labels of the rows that may come next.
_ORDINAL_PREFIX = re.compile(r"^(?:[一二三四五六七]+[、.]|\([一二三四五六七]\)|\d[.、])+")
_RESEMBLANCE = 0.7  # share of the printed label found, in order, in the text
_MARGIN = 0.15  # over the next best, or the match is not unique
# Labels as short as 其他 or 总计 are inside many others: only their exact rules place them.
_SHORTEST = 4


def opens_with_ordinal(label: str) -> bool:
    """Whether a label starts a row of its own ('5.属于…', '(四)无法提供', '四、结转…')."""
    return _ORDINAL_PREFIX.match(normalise(label)) is not None


_ORDINAL = re.compile(r"[一二三四五六七]+[、.]|\([一二三四五六七]\)|\d[.、]")


def _core(label: str) -> str:
    """The printed label of a row after its last ordinal, without group labels: '属于国家秘密' of
    '(三)不予公开 1.属于国家秘密', '予以公开' of '三、本年度办理结果(一)予以公开'."""
    return _ORDINAL.split(normalise(label))[-1]


_CORES = {r.code: _core(r.label) for r in TABLE3_ROWS}


@_cached
def resembling_row(text: str, candidates: tuple[str, ...]) -> str | None:
    """The Table 3 row among `candidates` whose printed label `text` holds most of, in order,
    when that row is clearly the best; None when no row or several rows fit."""
    text = normalise(text)
    scores = []
    for code in candidates:
        core = _CORES[code]
        if len(core) < _SHORTEST:
            continue
        found = sum(b.size for b in SequenceMatcher(None, core, text, autojunk=False).get_matching_blocks())
        scores.append((found / len(core), code))
    scores.sort(reverse=True)
    if not scores or scores[0][0] < _RESEMBLANCE:
        return None
    if len(scores) > 1 and scores[0][0] - scores[1][0] < _MARGIN:
        return None
    return scores[0][1]
