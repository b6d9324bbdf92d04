"""The layout's arithmetic on read cells: pass, fail with the numbers, or not assessable."""
from __future__ import annotations

from dataclasses import replace

import pytest

from orchestration.parsing.checks import evaluate_checks
from orchestration.parsing.model import TableCell

from . import table_fixtures as fx


def _cells(report: fx.Report) -> list[TableCell]:
    return [TableCell(t, row, col, value, raw) for t, row, col, value, raw in report.expected()]


def _by_rule(checks) -> dict[tuple[str, str | None], object]:
    return {(c.rule, c.scope): c for c in checks}


def _set(cells: list[TableCell], table: int, row: str, column: str, value) -> list[TableCell]:
    return [replace(c, value=value, raw="" if value is None else str(value))
            if (c.table, c.row, c.column) == (table, row, column) else c for c in cells]


@pytest.mark.parametrize("layout", ["2021", "2019"])
def test_a_consistent_report_passes_every_rule(layout):
    checks = evaluate_checks(_cells(fx.known_report(layout)), layout)
    rows = 25 if layout == "2021" else 23
    assert len(checks) == 7 + 7 + rows + 3 + 1
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
    assert check.detail == ("the 21 rows sum to 8 (nonzero: granted 5, unavailable_not_held 2, "
                            "other_no_correction 1) ≠ total_handled 7")
    assert (check.lhs, check.rhs) == (8, 7)


def test_total_column_failure():
    cells = _set(_cells(fx.known_report()), 3, "granted", "total", 20)
    check = _by_rule(evaluate_checks(cells, "2021"))[("table3_total_column", "granted")]
    assert check.status == "fail"
    assert check.detail == ("natural_person 12 + commercial_enterprise 4 + research_institution 0 + "
                            "public_interest_org 1 + legal_service_org 2 + other_org 0 = 19 ≠ total 20")


def test_table4_group_total_failure():
    cells = _set(_cells(fx.known_report()), 4, "litigation_after_review", "total", 14)
    check = _by_rule(evaluate_checks(cells, "2021"))[("table4_group_total", "litigation_after_review")]
    assert check.status == "fail"
    assert check.detail == "upheld 3 + corrected 0 + other 0 + pending 12 = 15 ≠ total 14"


def test_negative_counts_fail_but_the_2019_change_column_may_be_negative():
    cells = _cells(fx.known_report("2019"))
    assert _by_rule(evaluate_checks(cells, "2019"))[("non_negative_counts", None)].status == "pass"
    cells = _set(cells, 4, "review", "upheld", -1)
    check = _by_rule(evaluate_checks(cells, "2019"))[("non_negative_counts", None)]
    assert check.status == "fail" and check.detail == "negative: table4 review/upheld -1"


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
