"""Table extraction: seed 002, and every input form of one known report giving the same cells."""

from __future__ import annotations

import unicodedata

import pytest

from benchmarks.printed import T3_HEADER
from orchestration.parsing.tables import extract_tables

from . import table_fixtures as fx
from .builders import seed

SEED_002 = seed("002")
LAYOUTS = ("2021", "2019")
FORMS = (
    "one_cell_per_line",
    "markdown",
    "space_separated",
    "html_grid_rowspan_leftovers",
    "html_grid_empty_cells_wrong_colspan",
)


def _seed_text() -> str:
    # The cleaning module is not under test here: NFKC is the only normalisation seed 002 needs.
    return unicodedata.normalize("NFKC", SEED_002.read_text(encoding="utf-8"))


def _cells(result) -> set[tuple]:
    return {(c.table, c.row, c.column, c.value, c.raw) for c in result.cells}


def _table(result, number: int) -> dict[tuple[str, str], object]:
    return {(c.row, c.column): c.value for c in result.cells if c.table == number}


def test_seed_002_reads_every_cell_as_zero():
    result = extract_tables(_seed_text(), [])
    t2 = [c for c in result.cells if c.table == 2]
    t3 = [c for c in result.cells if c.table == 3]
    t4 = [c for c in result.cells if c.table == 4]
    assert len(t3) == 175 and len({(c.row, c.column) for c in t3}) == 175
    assert len(t4) == 15 and len({(c.row, c.column) for c in t4}) == 15
    assert {(c.row, c.column) for c in t2} == {
        ("regulations", "issued"),
        ("regulations", "abolished"),
        ("regulations", "in_force"),
        ("normative_documents", "issued"),
        ("normative_documents", "abolished"),
        ("normative_documents", "in_force"),
        ("administrative_licensing", "decisions"),
        ("administrative_penalty", "decisions"),
        ("administrative_coercion", "decisions"),
        ("administrative_fees", "amount_10k_yuan"),
    }
    assert all(c.value == 0 and c.raw == "0" for c in result.cells)
    assert result.layout_hint == "2021"
    assert result.flags == [] and result.repairs == []


def _rendering(report: fx.Report, form: str) -> tuple[str, list]:
    if form == "one_cell_per_line":
        return fx.one_cell_per_line(report), []
    if form == "markdown":
        return fx.markdown(report), []
    if form == "space_separated":
        return fx.space_separated(report), []
    if form == "html_grid_rowspan_leftovers":
        return fx.document_text_for_grids(), fx.html_grids(report)
    return fx.document_text_for_grids(), fx.html_grids(report, rowspan_as_empty=True, extra_cells=2)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("form", FORMS)
def test_every_rendering_gives_the_same_cells(layout, form):
    report = fx.known_report(layout)
    result = extract_tables(*_rendering(report, form))
    assert _cells(result) == report.expected()
    assert result.layout_hint == layout
    assert result.flags == [] and result.repairs == []


def _values(result) -> set[tuple[int, str, str, object]]:
    return {(t, row, col, value) for t, row, col, value, _ in _cells(result)}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("values_first", (True, False, None), ids=("before", "after", "mixed"))
def test_converter_markdown_with_values_apart_from_their_labels(layout, values_first):
    # Which order the rows are in is decided by the arithmetic: the shifted reading breaks the
    # outcome sums and the balance.
    report = fx.known_report(layout)
    result = extract_tables(fx.markdown_values_apart(report, values_first), [])
    assert _cells(result) == report.expected()


@pytest.mark.parametrize(
    ("code", "cut"),
    (("not_handled_mass_repeated", 4), ("new_received", 10), ("denied_security_stability", 7), ("other_other", 3)),
)
@pytest.mark.parametrize("numbers_on_first", (True, False))
def test_converter_markdown_with_a_label_wrapped_onto_a_second_row(code, cut, numbers_on_first):
    report = fx.known_report("2021")
    result = extract_tables(fx.markdown_wrapped_label(report, code, cut, numbers_on_first), [])
    assert _cells(result) == report.expected()
    assert result.flags == []


def test_one_line_row_printed_blank_before_a_misspelt_label_keeps_nothing_of_its_cells():
    # '…已获取信息(六)其处他理 0…': the confirmation row is blank; the cells after the misspelt
    # (六) label are that row's, placed by its resemblance to 其他处理.
    report = fx.known_report("2019")
    text = (
        fx.one_line(report, "spaced")
        .replace(
            "5.要求行政机关确认或重新出具已获取信息" + " ".join(report.t3_raw("not_handled_confirmation")),
            "5.要求行政机关确认或重新出具已获取信息",
        )
        .replace("(六)其他处理", "(六)其处他理")
    )
    cells = {(c.row, c.column): c.value for c in extract_tables(text, []).cells if c.table == 3}
    assert all(cells[("not_handled_confirmation", col)] is None for col in fx.T3_COLUMNS)
    assert [cells[("other_handling", col)] for col in fx.T3_COLUMNS] == report.table3["other_handling"]


def test_one_line_digit_taken_for_an_ordinal_is_given_back_when_the_row_needs_it():
    # The next label lost its numeral ('…数量5100006、上年结转'): '6、' reads as an ordinal, but
    # without the 6 the row does not add up.
    report = fx.known_report("2021")
    text = fx.one_line(report, "glued").replace("二、上年结转", "、上年结转")
    cells = {(c.row, c.column): c.value for c in extract_tables(text, []).cells if c.table == 3}
    assert [cells[("new_received", col)] for col in fx.T3_COLUMNS] == report.table3["new_received"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("spacing", fx.ONE_LINE_SPACINGS)
def test_one_line_pages_read_by_label_anchoring(layout, spacing):
    report = fx.known_report(layout)
    result = extract_tables(fx.one_line(report, spacing), [])
    expected = {(t, row, col, value) for t, row, col, value, _ in report.expected()}
    # Table 2's cells are spaced here, except where a row's cells are single digits' worth.
    assert {c for c in _values(result) if c[0] != 2} == {c for c in expected if c[0] != 2}
    assert result.layout_hint == layout


@pytest.mark.parametrize("layout", LAYOUTS)
def test_table2_header_cells_scrambled_by_a_converter(layout):
    # A converter may reorder a header row's cells, never a row's values: the layout's printed
    # column order holds when the header names the same columns.
    report = fx.known_report(layout)
    text = fx.markdown(report)
    for block in report.table2:
        printed = "| " + " | ".join(["信息内容", *block.headers]) + " |"
        text = text.replace(printed, "| " + " | ".join(["信息内容", *reversed(block.headers)]) + " |")
    assert _cells(extract_tables(text, [])) == report.expected()


_TYPOS = (
    ("本年新收", "本年新受"),
    ("国家秘密", "国家秘蜜"),
    ("第三方", "第叁方"),
    ("大量反复", "大量返复"),
    ("结转下年度", "结专下年度"),
)
_TEXT_FORMS = {
    "one_cell_per_line": fx.one_cell_per_line,
    "markdown": fx.markdown,
    "space_separated": fx.space_separated,
    "one_line": lambda report: fx.one_line(report, "glued"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("form", _TEXT_FORMS)
def test_a_misspelt_label_keeps_its_row(layout, form):
    # Each typo hits the keyword a row is known by; the row is placed by table order and by
    # resemblance to its printed label.
    report = fx.known_report(layout)
    text = _TEXT_FORMS[form](report)
    for right, wrong in _TYPOS:
        text = text.replace(right, wrong)
    result = extract_tables(text, [])
    expected = {(t, row, col, value) for t, row, col, value, _ in report.expected() if t == 3}
    assert {c for c in _values(result) if c[0] == 3} == expected


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rows_and_table2_values_per_layout(layout):
    result = extract_tables(fx.one_cell_per_line(fx.known_report(layout)), [])
    t3_rows = {row for row, _ in _table(result, 3)}
    assert len(t3_rows) == (25 if layout == "2021" else 23)
    assert ("other_handling" in t3_rows) == (layout == "2019")
    t2 = _table(result, 2)
    if layout == "2021":
        assert t2[("administrative_licensing", "decisions")] == 12345678
        assert t2[("administrative_penalty", "decisions")] == 1056  # written 1,056
        assert t2[("administrative_coercion", "decisions")] is None  # written /
        fee = t2[("administrative_fees", "amount_10k_yuan")]
        assert isinstance(fee, float) and fee == pytest.approx(1.254321)
        assert isinstance(t2[("regulations", "in_force")], int)
    else:  # 2019 codes stay their own, never forced into 2021 columns
        assert t2[("administrative_licensing", "change")] == -2
        assert t2[("administrative_coercion", "change")] is None  # written —
        assert t2[("government_procurement", "procurement_amount")] == 251000  # written 251000元
        assert t2[("normative_documents", "published_total")] == 88
        assert not {col for _, col in t2} & {"issued", "abolished", "in_force", "amount_10k_yuan"}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_glued_rows_are_split_by_the_tables_arithmetic(layout):
    report = fx.known_report(layout)
    result = extract_tables(fx.space_separated(report, glue=True), [])
    runs = {code: "".join(report.t3_raw(code)) for code in report.table3}
    t4_run = "".join(report.t4_raw())
    expected = {(t, r, c, v, runs[r] if t == 3 else t4_run if t == 4 else raw) for t, r, c, v, raw in report.expected()}
    assert _cells(result) == expected
    assert runs["new_received"] == "307015245"  # 30|7|0|1|5|2|45 read back from one run
    assert _table(result, 3)[("new_received", "total")] == 45
    assert result.repairs == ["glued_digits_split"] and result.flags == []


def test_blank_and_not_filled_cells_are_null_with_their_raw_text():
    report = fx.known_report("2021")
    grids = fx.html_grids(report)
    t3 = grids[2]
    granted = next(i for i, row in enumerate(t3) if "(一)予以公开" in row)
    t3[granted] = ["三、本年度办理结果", "(一)予以公开", "", "/", "—", "-", "无", "\u00a0", " "]
    t3[granted + 1] = [t3[granted + 1][0], *[""] * 7]  # a row left entirely blank
    result = extract_tables(fx.document_text_for_grids(), grids)
    cells = {(c.row, c.column): (c.value, c.raw) for c in result.cells if c.table == 3}
    assert [cells[("granted", col)] for col in fx.T3_COLUMNS] == [
        (None, ""),
        (None, "/"),
        (None, "—"),
        (None, "-"),
        (None, "无"),
        (None, "\u00a0"),
        (None, " "),
    ]
    assert all(cells[("partially_granted", col)] == (None, "") for col in fx.T3_COLUMNS)
    assert cells[("denied_state_secret", "natural_person")] == (1, "1")


def test_text_markers_are_null_never_zero():
    text = fx.space_separated(fx.known_report("2021")).replace(
        "(一)予以公开 12 4 0 1 2 0 19", "(一)予以公开 / — 无 - 2 0 19"
    )
    t3 = _table(extract_tables(text, []), 3)
    assert [t3[("granted", c)] for c in fx.T3_COLUMNS] == [None, None, None, None, 2, 0, 19]


def test_labels_without_numbering_with_typos_and_wrapped_lines():
    report = fx.known_report("2021")
    text = fx.one_cell_per_line(report)
    for old, new in (
        ("1.属于国家秘密", "属于国家秘密"),  # no 序号
        ("(七)总计", "合计"),  # 合计 for 总计
        ("3.其他\n", "其他\n"),  # bare 其他 after (六)2
        ("4.保护第三方合法权益", "4、保护第三方合法权利"),  # 、 numbering, typo
        ("2.没有现成信息需要另行制作", "2.没有现成信息需要\n另行制作"),  # wrapped label
        (
            "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
            "(二)部分公\n开(区分处理的,只计这一情形,\n不计其他情形)",
        ),
    ):
        assert old in text
        text = text.replace(old, new)
    assert _cells(extract_tables(text, [])) == report.expected()


def test_header_repeated_mid_table_is_skipped():
    report = fx.known_report("2021")
    text = fx.one_cell_per_line(report)
    header = "\n".join(T3_HEADER)
    for label in ("(四)无法提供", "3.其他", "(七)总计"):
        text = text.replace(label, header + "\n" + label, 1)
    assert _cells(extract_tables(text, [])) == report.expected()


def test_width_mismatch_is_flagged_not_guessed():
    text = fx.space_separated(fx.known_report("2021")).replace(
        "(一)予以公开 12 4 0 1 2 0 19", "(一)予以公开 12 4 1 2 0 19"
    )  # one blank cell lost
    result = extract_tables(text, [])
    assert not any(c.row == "granted" for c in result.cells)
    assert "table3_row_width_mismatch" in result.flags
    assert len(_table(result, 3)) == 168


def test_grids_preferred_and_text_used_for_tables_grids_lack():
    report = fx.known_report("2021")
    text = fx.one_cell_per_line(report)
    grids = fx.html_grids(report)
    del grids[3]  # no Table 4 grid: it comes from the text
    assert grids[2][2][:2] == ["一、本年新收政府信息公开申请数量", "30"]
    grids[2][2][1] = "99"  # the grid, not the text, is read for Table 3
    result = extract_tables(text, grids)
    assert _table(result, 3)[("new_received", "natural_person")] == 99
    assert len(_table(result, 4)) == 15


def test_no_tables_gives_nothing():
    result = extract_tables("一、总体情况\n本年度收到申请 3 件。\n五、存在的主要问题", [])
    assert result.cells == [] and result.layout_hint is None and result.flags == []


def test_a_report_without_table4_keeps_all_of_table3():
    report = fx.known_report("2021")
    text = fx.space_separated(report)
    start = text.index("四、政府信息公开行政复议")
    text = text[:start] + text[text.index("五、存在的主要问题") :]
    result = extract_tables(text, [])
    assert len(_table(result, 3)) == 175 and _table(result, 4) == {}
