"""The code lists agree with report-format.md, and their labels with the tables as printed by
the generated corpus and the parsing tests' documents (benchmarks/printed.py, written apart)."""

from __future__ import annotations

from benchmarks import printed
from orchestration.parsing import codes


def test_table3_rows_per_layout():
    r2021 = codes.table3_row_codes("2021")
    r2019 = codes.table3_row_codes("2019")
    assert len(r2021) == 25 and len(r2019) == 23
    assert r2021[:2] == ("new_received", "carried_over") and r2021[-2:] == ("total_handled", "carried_forward")
    assert set(r2021) - set(r2019) == {"other_no_correction", "other_fee_unpaid", "other_other"}
    assert set(r2019) - set(r2021) == {"other_handling"}
    assert len(codes.table3_outcome_codes("2021")) == 21
    assert len(codes.table3_outcome_codes("2019")) == 19


def test_table3_rows_are_ordered_unique_and_grouped():
    rows = codes.TABLE3_ROWS
    assert [r.order for r in rows] == list(range(1, len(rows) + 1))
    assert len({r.code for r in rows}) == len(rows)
    groups = {r.code: r.group for r in rows}
    assert groups["partially_granted"] == "granted"
    assert groups["denied_administrative_inquiry"] == "denied"
    assert groups["unavailable_unclear_after_correction"] == "unavailable"
    assert groups["not_handled_confirmation"] == "not_handled"
    assert groups["other_handling"] == groups["other_fee_unpaid"] == "other"
    assert set(groups.values()) == {"intake", *codes.OUTCOME_GROUPS, "total", "carry_forward"}


def test_table3_rows_are_the_printed_ones():
    # A row's label is its group's label (and 三、本年度办理结果 for (一)予以公开) before its own.
    for layout in codes.LAYOUTS:
        labels = [
            ((printed.T3_MAJOR if code == "granted" else "") + (f"{group} " if group else "") + label, code)
            for group, label, code in printed.t3_rows(layout)
        ]
        assert [(r.label, r.code) for r in codes.TABLE3_ROWS if layout in r.layouts] == labels
        assert codes.table3_outcome_codes(layout) == printed.t3_outcomes(layout)


def test_table3_columns_are_the_printed_ones():
    head = printed.T3_HEADER  # 申请人情况 自然人 法人或其他组织 总计, then the five kinds of 法人或其他组织
    labels = [head[1], *(f"{head[2]} {kind}" for kind in head[4:]), head[3]]
    assert [(c.code, c.label) for c in codes.TABLE3_COLUMNS] == list(zip(printed.T3_COLUMNS, labels, strict=True))
    assert codes.TABLE3_APPLICANT_COLUMNS == printed.APPLICANTS


def test_table4_codes_are_the_printed_ones():
    head = printed.T4_HEADER  # 行政复议 行政诉讼, five columns, 未经复议直接起诉 复议后起诉, ...
    groups = [head[0], f"{head[1]} {head[7]}", f"{head[1]} {head[8]}"]
    assert [(g.code, g.label) for g in codes.TABLE4_GROUPS] == list(zip(printed.T4_GROUPS, groups, strict=True))
    assert [(c.code, c.label) for c in codes.TABLE4_COLUMNS] == list(zip(printed.T4_COLUMNS, head[2:7], strict=True))


def test_table2_blocks_are_the_printed_ones():
    for layout in codes.LAYOUTS:
        blocks = [
            (item, tuple((code, label) for label, code in columns), tuple((code, label) for label, code in rows))
            for item, columns, rows in printed.T2_BLOCKS[layout]
        ]
        assert [(b.item, b.columns, b.rows) for b in codes.TABLE2_BLOCKS if b.layout == layout] == blocks


def test_table2_cells_per_layout():
    cells = codes.TABLE2_CELLS
    t2021 = {(r, c) for lay, r, c in cells if lay == "2021"}
    t2019 = {(r, c) for lay, r, c in cells if lay == "2019"}
    assert len(t2021) == 10 and len(t2019) == 6 + 6 + 6 + 2 + 2
    assert ("administrative_fees", "amount_10k_yuan") in t2021
    assert ("administrative_fees", "decisions") not in t2019  # fees: previous_year_items, change only
    assert ("government_procurement", "procurement_amount") in t2019
    assert not {c for _, c in t2019} & {"issued", "abolished", "in_force", "amount_10k_yuan"}


def test_table2_flat_records_keep_layout_specific_labels():
    rows = {(r.code, r.label): r for r in codes.TABLE2_ROWS}
    assert rows[("normative_documents", "行政规范性文件")].layouts == ("2021",)
    assert rows[("normative_documents", "规范性文件")].layouts == ("2019",)
    assert rows[("regulations", "规章")].layouts == ("2021", "2019")
    assert rows[("administrative_licensing", "行政许可")].group == "第二十条第(五)项"
    columns = {(c.code, c.label): c for c in codes.TABLE2_COLUMNS}
    assert columns[("decisions", "本年处理决定数量")].layouts == ("2021",)
    assert columns[("change", "本年增/减")].layouts == ("2019",)
    assert [c.order for c in codes.TABLE2_COLUMNS] == list(range(1, len(codes.TABLE2_COLUMNS) + 1))


def test_the_label_matcher_knows_exactly_the_codes_of_codes_py():
    """labels.py pairs each code with the keyword its printed label is found by; the codes are
    codes.py's, none of its own. (六)'s rows 其他处理 and 其他 have rules of their own instead
    (labels.table3_row): their words are inside other labels."""
    from orchestration.parsing import codes, labels

    keyword_codes = {code for code, _ in labels._TABLE3_ROWS}
    assert keyword_codes == {r.code for r in codes.TABLE3_ROWS} - {"other_handling", "other_other"}
    assert {code for code, _ in labels._TABLE2_ROWS} == {r.code for r in codes.TABLE2_ROWS}
    assert {code for code, _ in labels._TABLE2_COLUMNS} == {c.code for c in codes.TABLE2_COLUMNS}
