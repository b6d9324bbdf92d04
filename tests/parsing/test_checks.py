"""The layout's arithmetic on read cells: pass, fail with the numbers, or not assessable."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orchestration.parsing.checks import evaluate_checks, rows_read, table3_outcome_layout
from orchestration.parsing.model import TableCell

from . import table_fixtures as fx


def _cells(report: fx.Report) -> list[TableCell]:
    return [TableCell(t, row, col, value, raw) for t, row, col, value, raw in report.expected()]


def _by_rule(checks) -> dict[tuple[str, str], object]:
    return {(c.rule, c.scope): c for c in checks}


def _blank(cell: TableCell) -> TableCell:
    return replace(cell, value=None, raw="/")


def _set(cells: list[TableCell], table: int, row: str, column: str, value) -> list[TableCell]:
    return [
        replace(c, value=value, raw="" if value is None else str(value))
        if (c.table, c.row, c.column) == (table, row, column)
        else c
        for c in cells
    ]


@pytest.mark.parametrize("layout", ["2021", "2019"])
def test_a_consistent_report_passes_every_rule(layout):
    checks = evaluate_checks(_cells(fx.known_report(layout)), layout)
    rows = 25 if layout == "2021" else 23
    assert len(checks) == 7 + 7 + rows + 3 + 3  # non_negative_counts once per table
    assert {c.status for c in checks} == {"pass"}
    balance = _by_rule(checks)[("table3_balance", "natural_person")]
    assert balance.detail == "new_received 30 + carried_over 5 = 35 = total_handled 32 + carried_forward 3 = 35"


def test_balance_failure_states_both_sides():
    cells = _set(_cells(fx.known_report()), 3, "carried_forward", "natural_person", 4)
    check = _by_rule(evaluate_checks(cells, "2021"))[("table3_balance", "natural_person")]
    assert check.status == "fail"
    assert check.detail == "new_received 30 + carried_over 5 = 35 ≠ total_handled 32 + carried_forward 4 = 36"
    assert (check.lhs, check.rhs) == (35, 36)


def test_outcomes_sum_failure_names_the_rows():
    cells = _set(_cells(fx.known_report()), 3, "granted", "commercial_enterprise", 5)
    check = _by_rule(evaluate_checks(cells, "2021"))[("table3_outcomes_sum", "commercial_enterprise")]
    assert check.status == "fail"
    assert check.detail == (
        "the 21 rows sum to 8 (nonzero: granted 5, unavailable_not_held 2, other_no_correction 1) ≠ total_handled 7"
    )
    assert (check.lhs, check.rhs) == (8, 7)


def test_total_column_failure():
    cells = _set(_cells(fx.known_report()), 3, "granted", "total", 20)
    check = _by_rule(evaluate_checks(cells, "2021"))[("table3_total_column", "granted")]
    assert check.status == "fail"
    assert check.detail == (
        "natural_person 12 + commercial_enterprise 4 + research_institution 0 + "
        "public_interest_org 1 + legal_service_org 2 + other_org 0 = 19 ≠ total 20"
    )


def test_table4_group_total_failure():
    cells = _set(_cells(fx.known_report()), 4, "litigation_after_review", "total", 14)
    check = _by_rule(evaluate_checks(cells, "2021"))[("table4_group_total", "litigation_after_review")]
    assert check.status == "fail"
    assert check.detail == "upheld 3 + corrected 0 + other 0 + pending 12 = 15 ≠ total 14"


def test_non_negative_counts_per_table_with_the_smallest_number():
    by_rule = _by_rule(evaluate_checks(_cells(fx.known_report("2019")), "2019"))
    assert [(c.scope, c.status, c.lhs, c.rhs) for (rule, _), c in by_rule.items() if rule == "non_negative_counts"] == [
        ("table2", "pass", 0, 0),
        ("table3", "pass", 0, 0),
        ("table4", "pass", 0, 0),
    ]
    assert by_rule[("non_negative_counts", "table4")].detail == "all 15 numbers read are ≥ 0 (smallest 0)"


def test_a_negative_count_fails_its_table_only():
    cells = _set(_cells(fx.known_report("2019")), 4, "review", "upheld", -1)
    by_rule = _by_rule(evaluate_checks(cells, "2019"))
    check = by_rule[("non_negative_counts", "table4")]
    assert (check.status, check.lhs, check.rhs) == ("fail", -1, 0)
    assert check.detail == "negative: review/upheld -1"
    assert by_rule[("non_negative_counts", "table3")].status == "pass"


def test_the_2019_change_column_may_be_negative():
    cells = _cells(fx.known_report("2019"))
    change = next(c for c in cells if c.table == 2 and c.column == "change" and (c.value or 0) < 0)
    check = _by_rule(evaluate_checks(cells, "2019"))[("non_negative_counts", "table2")]
    assert (check.status, check.lhs) == ("pass", 0)  # the smallest number held to the rule
    cells = _set(cells, 2, change.row, "previous_year_items", -2)
    check = _by_rule(evaluate_checks(cells, "2019"))[("non_negative_counts", "table2")]
    assert (check.status, check.lhs, check.detail) == ("fail", -2, f"negative: {change.row}/previous_year_items -2")


def test_blank_cells_leave_non_negative_counts_to_the_numbers_read():
    # A blank is no number: it neither breaks the rule nor stops it being assessed, unless the
    # table has no number at all.
    cells = [c for c in _cells(fx.known_report()) if c.table != 2]
    cells = [_blank(c) if c.table == 4 or c.column == "natural_person" else c for c in cells]
    by_rule = _by_rule(evaluate_checks(cells, "2021"))
    assert ("non_negative_counts", "table2") not in by_rule  # no Table 2 read: not checked
    assert by_rule[("non_negative_counts", "table3")].status == "pass"
    table4 = by_rule[("non_negative_counts", "table4")]
    assert (table4.status, table4.lhs, table4.rhs, table4.detail) == (
        "not_assessable",
        None,
        None,
        "no number was read",
    )


def test_null_or_missing_cells_make_a_rule_not_assessable():
    cells = _set(_cells(fx.known_report()), 3, "carried_over", "other_org", None)
    cells = [c for c in cells if not (c.table == 4 and c.row == "review" and c.column == "pending")]
    by_rule = _by_rule(evaluate_checks(cells, "2021"))
    assert by_rule[("table3_balance", "other_org")].status == "not_assessable"
    assert by_rule[("table3_balance", "other_org")].detail == "missing or not filled: carried_over"
    assert (by_rule[("table3_balance", "other_org")].lhs, by_rule[("table3_balance", "other_org")].rhs) == (None, None)
    assert by_rule[("table3_total_column", "carried_over")].status == "not_assessable"
    assert by_rule[("table4_group_total", "review")].status == "not_assessable"
    assert by_rule[("table3_balance", "natural_person")].status == "pass"


def test_2019_rows_in_a_2021_report_use_the_single_other_row():
    # Some later reports keep (六)其他处理 as one row: the rows read decide the outcome set.
    checks = evaluate_checks(_cells(fx.known_report("2019")), "2021")
    assert {c.status for c in checks} == {"pass"}


def test_no_tables_no_checks():
    assert evaluate_checks([], None) == []


@pytest.mark.parametrize(
    ("rows_of", "layout", "expected"),
    [
        ("2021", "2021", "2021"),
        ("2019", "2019", "2019"),
        ("2019", "2021", "2019"),  # the rows read decide, as for the checks
        (None, "2019", "2019"),  # a 2019 report whose Table 3 was not read is still held to its rows
        (None, "freeform", None),
        (None, None, None),
    ],
)
def test_table3_outcome_layout(rows_of, layout, expected):
    cells = _cells(fx.known_report(rows_of)) if rows_of else []
    assert table3_outcome_layout(rows_read(cells).get(3, set()), layout) == expected
