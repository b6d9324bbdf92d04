"""One known report rendered in every input form the table extractor meets.

The printed labels come from benchmarks/printed.py, the one list the generated corpus prints from
too. It is written out apart from orchestration.parsing.codes, as a report would print them, so
the tests check the extractor against the layout, not against itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.printed import (
    SECTIONS,
    T2_BLOCKS,
    T3_COLUMNS,
    T3_HEADER,
    T3_MAJOR,
    T3_NOTE,
    T4_COLUMNS,
    T4_GROUPS,
    T4_HEADER,
    t3_outcomes,
    t3_rows,
)


def t3_printed_rows(layout: str) -> tuple[tuple[str | None, str, str], ...]:
    """(label printed once before the row's own, row label, code): a group's label before its
    first row, and 三、本年度办理结果 before (一)予以公开."""
    return tuple((T3_MAJOR if code == "granted" else group, label, code) for group, label, code in t3_rows(layout))


# Table 2 as printed: (item marker, header labels, rows (label, code, raw cells)), column codes.
@dataclass(frozen=True)
class T2Block:
    item: str
    headers: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, str, tuple[str, ...]], ...]


# The raw Table 2 cells of the known report, by layout and row code.
_T2_RAWS = {
    "2021": {
        "regulations": ("2", "0", "15"),
        "normative_documents": ("7", "3", "120"),
        "administrative_licensing": ("12345678",),
        "administrative_penalty": ("1,056",),
        "administrative_coercion": ("/",),
        "administrative_fees": ("1.254321",),
    },
    "2019": {
        "regulations": ("2", "2", "40"),
        "normative_documents": ("5", "4", "88"),
        "administrative_licensing": ("12", "-2", "340"),
        "other_external_services": ("4", "1", "25"),
        "administrative_penalty": ("30", "0", "1234"),
        "administrative_coercion": ("3", "—", "0"),
        "administrative_fees": ("2", "0"),
        "government_procurement": ("6", "251000元"),
    },
}


def _table2(layout: str) -> tuple[T2Block, ...]:
    return tuple(
        T2Block(
            item,
            tuple(h for h, _ in headers),
            tuple(c for _, c in headers),
            tuple((label, code, _T2_RAWS[layout][code]) for label, code in rows),
        )
        for item, headers, rows in T2_BLOCKS[layout]
    )


T2_2021 = _table2("2021")
T2_2019 = _table2("2019")


def table3_from_outcomes(
    outcomes: dict[str, list[int]], carried_over: list[int], carried_forward: list[int]
) -> dict[str, list[int]]:
    """A consistent Table 3 (7 cells a row) from its outcome rows (6 applicant cells each):
    totals by the layout's arithmetic, new_received by the balance rule."""
    handled = [sum(col) for col in zip(*outcomes.values())]
    new = [h + f - c for h, f, c in zip(handled, carried_forward, carried_over)]
    assert min(new) >= 0, "carried_over larger than handled + carried_forward"
    six = {
        "new_received": new,
        "carried_over": carried_over,
        **outcomes,
        "total_handled": handled,
        "carried_forward": carried_forward,
    }
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
    "/": None,
    "—": None,
    "1,056": 1056,
    "1.254321": 1.254321,
    "251000元": 251000,
    "-2": -2,
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
    rows = {code: _OUTCOMES_2021.get(code, [0] * 6) for code in t3_outcomes("2021")}
    if layout == "2019":
        merged = [
            sum(c) for c in zip(*(rows.pop(k) for k in ("other_no_correction", "other_fee_unpaid", "other_other")))
        ]
        rows = {code: rows.get(code, merged) for code in t3_outcomes("2019")}
    return rows


def known_report(layout: str = "2021") -> Report:
    table3 = table3_from_outcomes(_outcomes(layout), [5, 1, 0, 0, 0, 0], [3, 1, 0, 0, 1, 0])
    table4 = {
        "review": [1, 2, 0, 1, 4],
        "litigation_direct": [0, 1, 1, 0, 2],
        "litigation_after_review": [3, 0, 0, 12, 15],
    }
    return Report(layout, T2_2021 if layout == "2021" else T2_2019, table3, table4)


# --- renderings -------------------------------------------------------------------------------
PROSE_TOP = (
    "某某区人民政府2023年政府信息公开工作年度报告",
    SECTIONS[0],
    "2023年,我区主动公开政府信息1156条,收到申请 45 件,答复 45 件。",
)
PROSE_BOTTOM = (SECTIONS[4], "2024年将开展培训 3 次,覆盖 120 人。", SECTIONS[5], "本年度未收取信息处理费。")


def _document(t2: list[str], t3: list[str], t4: list[str]) -> str:
    return "\n".join([*PROSE_TOP, SECTIONS[1], *t2, SECTIONS[2], *t3, SECTIONS[3], *t4, *PROSE_BOTTOM])


def one_cell_per_line(report: Report) -> str:
    """Seed 002's form: every label and every value on its own line, blank lines between."""
    t2 = []
    for block in report.table2:
        t2 += [block.item, "信息内容", *block.headers]
        for label, _, raws in block.rows:
            t2 += [label, *raws]
    # As seed 002 prints them, 商业企业 and 科研机构 broken over two lines each.
    t3 = [T3_NOTE, *T3_HEADER[:4], "商业", "企业", "科研", "机构", *T3_HEADER[6:]]
    for group, label, code in t3_printed_rows(report.layout):
        t3 += [g for g in (group,) if g] + [label, *report.t3_raw(code)]
    return "\n\n".join(_document(t2, t3, [*T4_HEADER, *report.t4_raw()]).split("\n"))


def markdown(report: Report) -> str:
    md = _md
    t2 = []
    for block in report.table2:
        t2 += [md([block.item]), md(["信息内容", *block.headers]), md(["---"] * (1 + len(block.headers)))]
        t2 += [md([label, *raws]) for label, _, raws in block.rows]
    t3 = [
        md(["申请人情况", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]),
        md(["---"] * 9),
        md(["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]),
    ]
    for group, label, code in t3_printed_rows(report.layout):
        t3.append(md([group or "", label, *report.t3_raw(code)]))
    t4 = [md(["行政复议", "", "", "", "", "行政诉讼"]), md(["---"] * 6), md(list(T4_HEADER[2:])), md(report.t4_raw())]
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
    t3 = [T3_NOTE, *T3_HEADER]
    for group, label, code in t3_printed_rows(report.layout):
        t3 += [g for g in (group,) if g] + [label + join(report.t3_raw(code))]
    t4 = [*T4_HEADER, "".join(report.t4_raw())]
    return "".join(_document(t2, t3, t4).split("\n"))


def space_separated(report: Report, glue: bool = False) -> str:
    """Each row on one line, cells separated by spaces; `glue` drops the separators between
    the numbers of Table 3 and Table 4 rows (the glued-digit dumps)."""
    sep = "" if glue else " "
    t2 = []
    for block in report.table2:
        t2 += [block.item, " ".join(["信息内容", *block.headers])]
        t2 += [" ".join([label, *raws]) for label, _, raws in block.rows]
    t3 = [" ".join(T3_HEADER)]
    for group, label, code in t3_printed_rows(report.layout):
        t3.append(" ".join([g for g in (group,) if g] + [label, sep.join(report.t3_raw(code))]))
    t4 = [" ".join(T4_HEADER), sep.join(report.t4_raw())]
    return _document(t2, t3, t4)


def html_grids(report: Report, rowspan_as_empty: bool = False, extra_cells: int = 0) -> list[list[list[str]]]:
    """The tables as an HTML parser hands them over: rowspan/colspan not expanded, so a group
    label stands only in its group's first row. `rowspan_as_empty` writes an empty cell where a
    rowspan would be; `extra_cells` appends empty cells to every data row (wrong colspans)."""
    pad = [""] * extra_cells
    t2 = []
    for block in report.table2:
        t2 += [[block.item], ["信息内容", *block.headers]]
        t2 += [[label, *raws, *pad] for label, _, raws in block.rows]
    t3 = [list(T3_HEADER[:4]), list(T3_HEADER[4:])]
    for group, label, code in t3_printed_rows(report.layout):
        labels = [group, label] if group else ([""] if rowspan_as_empty else []) + [label]
        t3.append([*labels, *report.t3_raw(code), *pad])
    t4 = [["行政复议", "行政诉讼"], list(T4_HEADER[2:9]), list(T4_HEADER[9:]), [*report.t4_raw(), *pad]]
    # A layout table of the portal page, with numbers, before the report's tables.
    chrome = [["首页", "政务公开", "2024-01-19"], ["访问量", "418872"]]
    return [chrome, t2, t3, t4]


def document_text_for_grids() -> str:
    """The text an HTML page's cleaning gives besides the grids: headings and prose only."""
    return _document([], [], [])
