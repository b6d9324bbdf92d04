"""The arithmetic the report layout promises, evaluated on the cells that were read.

A broken rule is a finding (status "fail" with the numbers of both sides), never an error; a
rule whose cells are missing or not filled is "not_assessable", never pass or fail. The rules
are data (SumRule) so that glued.py can score candidate digit splits with the very same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import groupby
from operator import attrgetter, itemgetter

from .codes import (
    LAYOUTS,
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


def _side_template(terms: tuple[tuple[str, Key], ...], first: int, total: int) -> str:
    """One side of a rule's detail as a str.format template over the rule's cell values
    (positions `first`… of its terms) and its two sums (positions `total`, `total` + 1): the
    term alone, or every term and the sum; a side of more than _MAX_LISTED_TERMS terms is the
    keyword field {many}, filled with its nonzero terms when the rule is evaluated."""
    if len(terms) > _MAX_LISTED_TERMS:
        return "{many}"
    names = [name.replace("{", "{{").replace("}", "}}") for name, _ in terms]
    listed = [f"{name} {{{first + i}}}" for i, name in enumerate(names)]
    return listed[0] if len(listed) == 1 else " + ".join(listed) + f" = {{{total}}}"


@dataclass(frozen=True)
class SumRule:
    """sum(lhs) == sum(rhs) over cells of one table; terms are (name shown in detail, key)."""

    rule: str
    scope: str
    lhs: tuple[tuple[str, Key], ...]
    rhs: tuple[tuple[str, Key], ...]
    # Laid out once for evaluation, which runs for about 40 rules per report: the keys of both
    # sides in one tuple, a reader of their values (in C) and the detail as one template per outcome.
    keys: tuple[Key, ...] = field(init=False, repr=False, compare=False)
    read: Callable[[CellValues], tuple] = field(init=False, repr=False, compare=False)
    details: dict[bool, str] = field(init=False, repr=False, compare=False)
    # The check the rule gave on each tuple of cell values seen lately: most rows of most reports
    # repeat (all zeros above all), so most evaluations are a lookup. Table 3 and 4 values are
    # ints, so equal tuples print alike; checks are immutable, so reports can share one.
    outcomes: dict[tuple, Check] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.rhs) > _MAX_LISTED_TERMS:
            raise ValueError(f"{self.rule}: a rule's right side is its total, one or a few cells")
        n = len(self.lhs) + len(self.rhs)
        left = _side_template(self.lhs, 0, n)
        right = _side_template(self.rhs, len(self.lhs), n + 1)
        object.__setattr__(self, "keys", tuple(key for _, key in self.lhs + self.rhs))
        object.__setattr__(self, "read", itemgetter(*self.keys))  # a rule has two keys or more
        object.__setattr__(self, "details", {True: f"{left} = {right}", False: f"{left} ≠ {right}"})
        object.__setattr__(self, "outcomes", {})

    def sums(self, read: Sequence[int | float]) -> tuple[int | float, int | float]:
        """Both sides' sums of the cell values `read`, in `keys` order, none missing."""
        n = len(self.lhs)
        return sum(read[:n]), sum(read[n:])

    def holds(self, values: Values) -> bool | None:
        """True/False, or None when a needed cell is missing or not filled."""
        read = list(map(values.get, self.keys))
        if None in read:
            return None
        lsum, rsum = self.sums(read)
        return lsum == rsum


def _many_terms(terms: tuple[tuple[str, Key], ...], read: list, total: int | float) -> str:
    nonzero = ", ".join([f"{name} {v}" for (name, _), v in zip(terms, read) if v != 0])
    return f"the {len(terms)} rows sum to {total} (nonzero: {nonzero or 'none'})"


def table3_layout(rows: set[str]) -> str | None:
    """The layout Table 3's rows show: (六)其他处理 split into three sub-rows (2021) or one."""
    if rows & {"other_no_correction", "other_fee_unpaid", "other_other"}:
        return "2021"
    return "2019" if "other_handling" in rows else None


def outcome_layout(rows: set[str], layout: str | None) -> str:
    """Which outcome row set (21 rows of 2021, 19 of 2019) the read Table 3 uses. The rows read
    decide, because some later reports keep the single 2019 row (六)其他处理."""
    return table3_layout(rows) or (layout if layout in LAYOUTS else "2021")


@cache  # the rules are immutable data: build them once per layout
def table3_rules(layout: str) -> tuple[SumRule, ...]:
    t3 = lambda row, col: (3, row, col)  # noqa: E731 - a key builder, local to the rules below
    outcomes = table3_outcome_codes(layout)
    columns = [c.code for c in TABLE3_COLUMNS]
    rules = [
        SumRule(
            "table3_balance",
            col,
            (("new_received", t3("new_received", col)), ("carried_over", t3("carried_over", col))),
            (("total_handled", t3("total_handled", col)), ("carried_forward", t3("carried_forward", col))),
        )
        for col in columns
    ]
    rules += [
        SumRule(
            "table3_outcomes_sum",
            col,
            tuple((row, t3(row, col)) for row in outcomes),
            (("total_handled", t3("total_handled", col)),),
        )
        for col in columns
    ]
    for row in table3_row_codes(layout):
        rules.append(
            SumRule(
                "table3_total_column",
                row,
                tuple((col, t3(row, col)) for col in TABLE3_APPLICANT_COLUMNS),
                (("total", t3(row, "total")),),
            )
        )
    return tuple(rules)


@cache
def table4_rules() -> tuple[SumRule, ...]:
    parts = tuple(c.code for c in TABLE4_COLUMNS if c.code != "total")
    return tuple(
        SumRule(
            "table4_group_total",
            g.code,
            tuple((col, (4, g.code, col)) for col in parts),
            (("total", (4, g.code, "total")),),
        )
        for g in TABLE4_GROUPS
    )


# Outcomes remembered per rule; beyond this many distinct value tuples the memory starts over.
_MAX_OUTCOMES = 2048


def _check(rule: SumRule, read: tuple) -> Check:
    """The rule's check on these cell values."""
    if None in read:
        missing = [name for (name, _), v in zip(rule.lhs + rule.rhs, read) if v is None]
        return Check(rule.rule, rule.scope, "not_assessable", f"missing or not filled: {', '.join(missing)}")
    n = len(rule.lhs)
    lsum, rsum = rule.sums(read)
    holds = lsum == rsum
    many = _many_terms(rule.lhs, read[:n], lsum) if n > _MAX_LISTED_TERMS else ""
    # str.format writes a number as str() does
    detail = rule.details[holds].format(*read, lsum, rsum, many=many)
    return Check(rule.rule, rule.scope, "pass" if holds else "fail", detail, lsum, rsum)


def evaluate_rule(rule: SumRule, values: CellValues) -> Check:
    read = rule.read(values)
    check = rule.outcomes.get(read)
    if check is None:
        if len(rule.outcomes) >= _MAX_OUTCOMES:
            rule.outcomes.clear()
        check = rule.outcomes[read] = _check(rule, read)
    return check


# The scope of non_negative_counts: one check per table that has cells.
_TABLE_SCOPES = {2: "table2", 3: "table3", 4: "table4"}
_table_of = attrgetter("table")
_row_of = attrgetter("row")


# Most reports read 0 as their smallest number, in a few table sizes; typed: 0.0 prints apart from 0.
@lru_cache(maxsize=1024, typed=True)
def _no_negative_check(scope: str, numbers: int, smallest: int | float | None) -> Check:
    if smallest is None:
        return Check("non_negative_counts", scope, "not_assessable", "no number was read")
    detail = f"all {numbers} numbers read are ≥ 0 (smallest {smallest})"
    return Check("non_negative_counts", scope, "pass", detail, smallest, 0)


def _non_negative(cells: list[TableCell]) -> list[Check]:
    """non_negative_counts, one check per table that has cells: counts and fees are never
    negative, except Table 2's signed 2019 本年增/减 column (codes.TABLE2_SIGNED_COLUMNS). A blank
    cell holds no number, so it neither passes nor fails the rule: a table is not assessable only
    when none of its cells holds one. lhs = the smallest number read, rhs = 0."""
    read: dict[int, list[int | float]] = {}
    # One pass: the extractor lists cells table by table, so there is one run per table.
    for table, run in groupby(cells, _table_of):
        if table == 2:
            numbers = [v for c in run if (v := c.value) is not None and c.column not in TABLE2_SIGNED_COLUMNS]
        else:
            numbers = [v for c in run if (v := c.value) is not None]
        read[table] = read[table] + numbers if table in read else numbers
    checks = []
    for table in sorted(read):
        scope, numbers = _TABLE_SCOPES[table], read[table]
        smallest = min(numbers, default=None)
        if smallest is None or smallest >= 0:
            checks.append(_no_negative_check(scope, len(numbers), smallest))
            continue
        negative = ", ".join(
            f"{c.row}/{c.column} {c.value}"
            for c in cells
            if c.table == table
            and c.value is not None
            and c.value < 0
            and not (table == 2 and c.column in TABLE2_SIGNED_COLUMNS)
        )
        checks.append(Check("non_negative_counts", scope, "fail", f"negative: {negative}", smallest, 0))
    return checks


class CellValues(dict[Key, "int | float | None"]):
    """The value of each cell read, by key; a cell not read reads as None, as a blank one does."""

    def __missing__(self, key: Key) -> None:
        return None


def cell_values(cells: list[TableCell]) -> CellValues:
    return CellValues({(c.table, c.row, c.column): c.value for c in cells})


def table3_outcome_layout(rows: set[str], layout: str | None) -> str | None:
    """The outcome rows the report's Table 3 is held to ("2021": 21 rows, "2019": 19; see
    outcome_layout) when the report has a Table 3 (`rows`, its row codes read, or a 2021 or 2019
    layout, which prints one), else None. Stored on parsed.reports: dbt's Table 3 grid reads it."""
    return outcome_layout(rows, layout) if rows or layout in LAYOUTS else None


def rows_read(cells: list[TableCell]) -> dict[int, set[str]]:
    """The row codes the cells hold per table (Table 4: its groups)."""
    rows: dict[int, set[str]] = {}
    for table, run in groupby(cells, _table_of):  # cells come table by table
        rows.setdefault(table, set()).update(map(_row_of, run))
    return rows


def evaluate_checks(cells: list[TableCell], layout: str | None, rows: dict[int, set[str]] | None = None) -> list[Check]:
    """All rules for the tables the document has. A table with no cell at all gets no checks:
    a free-form report has no table whose arithmetic could be assessed. `rows`: rows_read(cells),
    when the caller has it already."""
    rows = rows_read(cells) if rows is None else rows
    values = cell_values(cells)
    rules: tuple[SumRule, ...] = ()
    if rows.get(3):
        rules += table3_rules(outcome_layout(rows[3], layout))
    if rows.get(4):
        rules += table4_rules()
    checks = [evaluate_rule(rule, values) for rule in rules]
    checks += _non_negative(cells)
    return checks
