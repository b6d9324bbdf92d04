"""The arithmetic the report layout promises, evaluated on the cells that were read.

A broken rule is a finding (status "fail" with the numbers of both sides), never an error; a
rule whose cells are missing or not filled is "not_assessable", never pass or fail. The rules
are data (SumRule) so that glued.py can score candidate digit splits with the very same rules.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from .codes import (
    TABLE2_SIGNED_COLUMNS,
    TABLE3_APPLICANT_COLUMNS,
    TABLE3_COLUMNS,
    TABLE4_COLUMNS,
    TABLE4_GROUPS,
    table3_outcome_codes,
    table3_row_codes,
)
from .model import Check, TableCell

Key = tuple[int, str, str]  # (table, row, column)
Values = Mapping[Key, "int | float | None"]

# Outcome rows listed one by one in a detail only up to this many; beyond it the detail names
# the nonzero terms, so a 20-term sum stays readable.
_MAX_LISTED_TERMS = 7


@dataclass(frozen=True)
class _Side:
    """One side of a rule laid out for evaluation, which runs for about 40 rules per report:
    its keys apart from its names, and the detail's wording as a %-format."""

    keys: tuple[Key, ...]
    names: tuple[str, ...]
    # "a %s + b %s = %s" for the terms and their total, when there are 2 to _MAX_LISTED_TERMS;
    # beyond, the detail names the nonzero terms only.
    listed: str | None

    @classmethod
    def of(cls, terms: tuple[tuple[str, Key], ...]) -> _Side:
        names = tuple(name for name, _ in terms)
        listed = None
        if 1 < len(names) <= _MAX_LISTED_TERMS:
            listed = " + ".join(name.replace("%", "%%") + " %s" for name in names) + " = %s"
        return cls(tuple(key for _, key in terms), names, listed)

    def describe(self, read: list, total: int | float) -> str:
        if len(read) == 1:
            return f"{self.names[0]} {read[0]}"
        if self.listed is not None:
            return self.listed % (*read, total)  # %s writes a number as str() does, like {}
        nonzero = ", ".join([f"{name} {v}" for name, v in zip(self.names, read) if v != 0])
        return f"the {len(self.names)} rows sum to {total} (nonzero: {nonzero or 'none'})"


@dataclass(frozen=True)
class SumRule:
    """sum(lhs) == sum(rhs) over cells of one table; terms are (name shown in detail, key)."""

    rule: str
    scope: str
    lhs: tuple[tuple[str, Key], ...]
    rhs: tuple[tuple[str, Key], ...]
    left: _Side = field(init=False, repr=False, compare=False)
    right: _Side = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "left", _Side.of(self.lhs))
        object.__setattr__(self, "right", _Side.of(self.rhs))

    def holds(self, values: Values) -> bool | None:
        """True/False, or None when a needed cell is missing or not filled."""
        sides = _side_sums(self, values)
        return None if sides is None else sides[0] == sides[1]


def _side_sums(rule: SumRule, values: Values) -> tuple[int | float, int | float] | None:
    left, right = list(map(values.get, rule.left.keys)), list(map(values.get, rule.right.keys))
    if None in left or None in right:
        return None
    return sum(left), sum(right)


def table3_layout(rows: set[str]) -> str | None:
    """The layout Table 3's rows show: (六)其他处理 split into three sub-rows (2021) or one."""
    if rows & {"other_no_correction", "other_fee_unpaid", "other_other"}:
        return "2021"
    return "2019" if "other_handling" in rows else None


def outcome_layout(rows: set[str], layout: str | None) -> str:
    """Which outcome row set (21 rows of 2021, 19 of 2019) the read Table 3 uses. The rows read
    decide, because some later reports keep the single 2019 row (六)其他处理."""
    return table3_layout(rows) or (layout if layout in ("2021", "2019") else "2021")


@cache  # the rules are immutable data: build them once per layout
def table3_rules(layout: str) -> tuple[SumRule, ...]:
    t3 = lambda row, col: (3, row, col)  # noqa: E731 - a key builder, local to the rules below
    outcomes = table3_outcome_codes(layout)
    columns = [c.code for c in TABLE3_COLUMNS]
    rules = [
        SumRule("table3_balance", col,
                (("new_received", t3("new_received", col)), ("carried_over", t3("carried_over", col))),
                (("total_handled", t3("total_handled", col)), ("carried_forward", t3("carried_forward", col))))
        for col in columns
    ]
    rules += [
        SumRule("table3_outcomes_sum", col,
                tuple((row, t3(row, col)) for row in outcomes),
                (("total_handled", t3("total_handled", col)),))
        for col in columns
    ]
    for row in table3_row_codes(layout):
        rules.append(SumRule(
            "table3_total_column", row,
            tuple((col, t3(row, col)) for col in TABLE3_APPLICANT_COLUMNS),
            (("total", t3(row, "total")),),
        ))
    return tuple(rules)


@cache
def table4_rules() -> tuple[SumRule, ...]:
    parts = tuple(c.code for c in TABLE4_COLUMNS if c.code != "total")
    return tuple(
        SumRule("table4_group_total", g.code,
                tuple((col, (4, g.code, col)) for col in parts),
                (("total", (4, g.code, "total")),))
        for g in TABLE4_GROUPS
    )


def evaluate_rule(rule: SumRule, values: Values) -> Check:
    left, right = list(map(values.get, rule.left.keys)), list(map(values.get, rule.right.keys))
    if None in left or None in right:
        missing = [name for name, v in zip(rule.left.names + rule.right.names, left + right) if v is None]
        return Check(rule.rule, rule.scope, "not_assessable",
                     f"missing or not filled: {', '.join(missing)}")
    lsum, rsum = sum(left), sum(right)
    relation = "=" if lsum == rsum else "≠"
    detail = f"{rule.left.describe(left, lsum)} {relation} {rule.right.describe(right, rsum)}"
    return Check(rule.rule, rule.scope, "pass" if lsum == rsum else "fail", detail)


def _non_negative(cells: list[TableCell]) -> Check:
    """Counts (and fees) are never negative; only the 2019 Table 2 本年增/减 column may be."""
    read = [c for c in cells if c.value is not None
            and not (c.table == 2 and c.column in TABLE2_SIGNED_COLUMNS)]
    if not read:
        return Check("non_negative_counts", None, "not_assessable", "no numbers were read")
    negative = [c for c in read if c.value < 0]
    if not negative:
        return Check("non_negative_counts", None, "pass", f"all {len(read)} numbers read are ≥ 0")
    listed = ", ".join(f"table{c.table} {c.row}/{c.column} {c.value}" for c in negative)
    return Check("non_negative_counts", None, "fail", f"negative: {listed}")


def cell_values(cells: list[TableCell]) -> dict[Key, int | float | None]:
    return {(c.table, c.row, c.column): c.value for c in cells}


def evaluate_checks(cells: list[TableCell], layout: str | None) -> list[Check]:
    """All rules for the tables the document has. A table with no cell at all gets no checks:
    a free-form report has no table whose arithmetic could be assessed."""
    values = cell_values(cells)
    rules: tuple[SumRule, ...] = ()
    t3_rows = {c.row for c in cells if c.table == 3}
    if t3_rows:
        rules += table3_rules(outcome_layout(t3_rows, layout))
    if any(c.table == 4 for c in cells):
        rules += table4_rules()
    checks = [evaluate_rule(rule, values) for rule in rules]
    if cells:
        checks.append(_non_negative(cells))
    return checks
