"""Splitting glued digit runs ("801000081" -> 80|1|0|0|0|0|81) under the table's own arithmetic.

Text dumps sometimes lose the separators between a row's cells. The split is searched, never
guessed: a candidate must make every group's last number the sum of the others (the row's total
column, Table 4's group totals); among Table 3 rows the column rules (outcome sum, balance) then
pick between candidates, first row by row and then jointly over the rows still open. A split is
taken only when it is the unique best; for a table that obeys its rules the true split always
scores best, so a unique best can never be a wrong split. A source that breaks a group's sum can
still be read when exactly one split keeps every other group exact and that group's parts within
its printed total (`split_bounded`). Where no unique split exists the row is reported ambiguous
and its cells are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import islice, product
from math import inf, prod

from .checks import Key, SumRule

# Reports' counts stay far below a billion; a longer piece is never one cell.
MAX_CELL_DIGITS = 9
# Bound on candidates kept per run: beyond it the run is ambiguous anyway.
MAX_CANDIDATES = 5000


class _Run:
    """The glued digits, with the separations the source did have: no piece may cross one."""

    def __init__(self, runs: Sequence[str]) -> None:
        self.text = "".join(runs)
        self.next_stop = [0] * (len(self.text) + 1)  # first separation after each position
        pos = 0
        for run in runs:
            for i in range(pos, pos + len(run)):
                self.next_stop[i] = pos + len(run)
            pos += len(run)
        self.next_stop[-1] = pos

    def piece(self, start: int, end: int) -> int | None:
        """The number text[start:end] reads as, or None: "01" is not a number."""
        if end > self.next_stop[start] or (end - start > 1 and self.text[start] == "0"):
            return None
        return int(self.text[start:end])

    def summing(self, start: int, end: int, parts: int, target: int) -> Iterator[tuple[int, ...]]:
        """Every cut of text[start:end] into `parts` numbers adding up to `target`. Knowing the
        sum bounds each piece's length by the target's, which keeps the search small."""
        return self._pieces(start, end, parts, target, True, [inf])  # the sum prunes enough

    def bounded(self, start: int, end: int, parts: int, bound: int, budget: list[float]) -> Iterator[tuple[int, ...]]:
        """Every cut of text[start:end] into `parts` numbers, none above `bound` (a part of a
        total cannot exceed it, even where the printed total is wrong). `budget` counts down the
        steps allowed; at 0 the search stops."""
        return self._pieces(start, end, parts, bound, False, budget)

    def _pieces(
        self, start: int, end: int, parts: int, limit: int, exact: bool, budget: list[float]
    ) -> Iterator[tuple[int, ...]]:
        """Cuts into `parts` numbers, each at most `limit`; `exact`: adding up to `limit`."""
        if budget[0] <= 0:
            return
        budget[0] -= 1
        if parts == 1:
            if end - start <= MAX_CELL_DIGITS:
                value = self.piece(start, end)
                if value is not None and (value == limit if exact else value <= limit):
                    yield (value,)
            return
        longest = min(len(str(limit)), MAX_CELL_DIGITS, end - start - (parts - 1))
        for stop in range(start + 1, start + longest + 1):
            value = self.piece(start, stop)
            if value is None or value > limit:
                break  # a longer piece still crosses, still has its leading 0, is still too big
            if end - stop > (parts - 1) * MAX_CELL_DIGITS:
                continue
            for rest in self._pieces(stop, end, parts - 1, limit - value if exact else limit, exact, budget):
                yield (value, *rest)


# Steps a bounded search may take before it gives up (and the run is flagged).
MAX_BOUNDED_STEPS = 200_000


def _cuts(
    run: _Run, groups: int, width: int, parts_of: Callable[[int, int, int, int], Iterator[tuple[int, ...]]]
) -> Iterator[tuple[int, ...]]:
    """Every cut of the run into `groups` groups of `width` numbers, each group's last number its
    total and the others what `parts_of(start, end, parts, total)` yields for them."""
    n = len(run.text)

    def search(start: int, group: int) -> Iterator[tuple[int, ...]]:
        if group == groups:
            if start == n:
                yield ()
            return
        later = (groups - group - 1) * width
        last_end = min(n - later, start + width * MAX_CELL_DIGITS)
        for end in [n] if later == 0 else range(start + width, last_end + 1):
            for total_len in range(1, min(MAX_CELL_DIGITS, end - start - width + 1) + 1):
                total = run.piece(end - total_len, end)
                if total is None:
                    continue
                for parts in parts_of(start, end - total_len, width - 1, total):
                    for rest in search(end, group + 1):
                        yield parts + (total,) + rest

    return search(0, 0)


def split_totalled(runs: Sequence[str], groups: int, width: int) -> list[tuple[int, ...]]:
    """Every way to cut the digit runs into `groups` groups of `width` numbers in which each
    group's last number is the sum of the group's others. `runs` are the digit strings as the
    source separated them; a piece never spans two of them. At most MAX_CANDIDATES + 1 are
    returned: more means the runs cannot be read."""
    return list(_totalled(tuple(runs), groups, width))


@lru_cache(maxsize=4096)  # runs repeat heavily: '0000000' is most rows of most glued reports
def _totalled(runs: tuple[str, ...], groups: int, width: int) -> tuple[tuple[int, ...], ...]:
    run = _Run(runs)
    return tuple(islice(_cuts(run, groups, width, run.summing), MAX_CANDIDATES + 1))


def split_bounded(runs: Sequence[str], groups: int, width: int) -> tuple[list[tuple[tuple[int, ...], int]], bool]:
    """For runs that `split_totalled` cannot cut: every cut into `groups` groups of `width`
    numbers in which each group's parts are at most its last number, with the count of groups
    whose sum does not hold. Returns (candidates, stopped): stopped when the search ran out of
    steps or candidates, so the list may lack the true split."""
    run = _Run(runs)
    budget = [MAX_BOUNDED_STEPS]
    cuts = list(
        islice(_cuts(run, groups, width, lambda s, e, p, t: run.bounded(s, e, p, t, budget)), MAX_CANDIDATES + 1)
    )
    found = [
        (cut, sum(sum(cut[g : g + width - 1]) != cut[g + width - 1] for g in range(0, len(cut), width))) for cut in cuts
    ]
    return found, budget[0] <= 0 or len(found) > MAX_CANDIDATES


def all_splits(runs: Sequence[str], parts: int) -> list[tuple[int, ...]]:
    """Every cut of the runs into `parts` numbers that no arithmetic constrains (Table 2's
    glued rows): only the digits decide, so a unique cut is the reading and several are not."""
    run = _Run(runs)
    cuts = run.bounded(0, len(run.text), parts, 10**MAX_CELL_DIGITS - 1, [MAX_BOUNDED_STEPS])
    return list(islice(cuts, MAX_CANDIDATES + 1))


def fewest_broken(candidates: list[tuple[tuple[int, ...], int]]) -> list[tuple[int, ...]]:
    """The candidates of `split_bounded` that break the fewest group sums."""
    if not candidates:
        return []
    least = min(broken for _, broken in candidates)
    return [values for values, broken in candidates if broken == least]


def agreed_groups(candidates: Sequence[tuple[int, ...]], width: int) -> list[int]:
    """Indexes of the groups every candidate reads the same: those are known even when the
    whole split is not."""
    groups = len(candidates[0]) // width
    return [g for g in range(groups) if len({c[g * width : (g + 1) * width] for c in candidates}) == 1]


def ambiguous_flag(where: str, count: int) -> str:
    """The flag of a run that several splits fit equally well: where, and how many (capped)."""
    return f"glued_digits_ambiguous:{where}={min(count, MAX_CANDIDATES)}"


def broken_split_flag(where: str) -> str:
    """The flag of a run read by the only split that breaks the fewest sums (the source breaks
    one); the broken rule itself is reported by the checks."""
    return f"glued_split_breaks_rule:{where}"


# Assignments of the still-open rows that the joint step may try; beyond it they stay open.
MAX_JOINT_ASSIGNMENTS = 4096


def resolve_rows(
    known: Callable[[], Mapping[Key, int | float | None]],
    candidates: Mapping[str, list[tuple[int, ...]]],
    columns: Sequence[str],
    rules: Sequence[SumRule],
    table: int = 3,
) -> dict[str, tuple[int, ...]]:
    """Pick each glued row's split. `candidates` maps a row code to its row-consistent splits
    (values in `columns` order). A row is settled when one candidate satisfies strictly more
    rules than every other; settled rows then count as known for the others, until nothing
    changes. Rows left out of the result are ambiguous. `known` gives the cells read otherwise;
    it is called only when some row has several splits (most glued rows have one)."""
    # A row whose search hit MAX_CANDIDATES may lack its true split, so it cannot be settled.
    open_rows = {row: cands for row, cands in candidates.items() if 0 < len(cands) <= MAX_CANDIDATES}
    chosen = {row: cands[0] for row, cands in open_rows.items() if len(cands) == 1}
    if len(chosen) == len(open_rows):  # the common case: every glued row has one split
        return chosen
    values = dict(known())
    for row, pick in chosen.items():
        values.update({(table, row, col): v for col, v in zip(columns, pick)})
        del open_rows[row]
    touching = _rules_touching(rules, set(open_rows))
    progress = True
    while open_rows and progress:
        progress = False
        for row in sorted(open_rows):
            pick = _unique_best(row, open_rows[row], values, columns, touching[row], table)
            if pick is not None:
                chosen[row] = pick
                values.update({(table, row, col): v for col, v in zip(columns, pick)})
                del open_rows[row]
                progress = True
    if open_rows:
        chosen.update(_resolve_jointly(values, open_rows, columns, rules, table))
    return chosen


def _rules_touching(rules: Sequence[SumRule], rows: set[str]) -> dict[str, list[SumRule]]:
    """For each row, the rules with a term of it."""
    touching: dict[str, list[SumRule]] = {row: [] for row in rows}
    for rule in rules:
        for row in {key[1] for _, key in rule.lhs + rule.rhs} & rows:
            touching[row].append(rule)
    return touching


def _difference(
    rule: SumRule,
    values: Mapping[Key, int | float | None],
    rows: Mapping[str, int],
    columns: Mapping[str, int],
    table: int,
) -> tuple[int | float, dict[str, list[tuple[int, int]]]] | None:
    """The rule as lhs − rhs = 0 with the `rows` still open: the constant its known cells give,
    and per open row the (sign, column position) of its terms; None when a known cell is
    missing or blank (the rule then holds for no split)."""
    constant, open_terms = 0, {}
    for sign, side in ((1, rule.lhs), (-1, rule.rhs)):
        for _, key in side:
            if key[0] == table and key[1] in rows and key[2] in columns:
                open_terms.setdefault(key[1], []).append((sign, columns[key[2]]))
            elif (value := values.get(key)) is None:
                return None
            else:
                constant += sign * value
    return constant, open_terms


def _combination_scores(
    values: Mapping[Key, int | float | None],
    rows: Sequence[str],
    cands_of: Mapping[str, list[tuple[int, ...]]],
    columns: Sequence[str],
    rules: Sequence[SumRule],
    table: int,
) -> list[int]:
    """For every combination of the rows' candidates, in itertools.product order, how many of
    `rules` it satisfies: a rule's known cells give a constant and each row's candidate adds its
    own terms, so a combination costs additions, not an evaluation of every rule over a copy
    of the values."""
    position = {row: i for i, row in enumerate(rows)}
    column = {col: i for i, col in enumerate(columns)}
    terms = []  # per rule: (constant, [(row position, what each of its candidates adds)])
    for rule in rules:
        if (difference := _difference(rule, values, position, column, table)) is None:
            continue
        constant, open_terms = difference
        terms.append(
            (
                constant,
                [
                    (position[row], [sum(sign * cand[i] for sign, i in cells) for cand in cands_of[row]])
                    for row, cells in open_terms.items()
                ],
            )
        )
    return [
        sum(1 for constant, added in terms if constant + sum(adds[combo[p]] for p, adds in added) == 0)
        for combo in product(*(range(len(cands_of[row])) for row in rows))
    ]


def _resolve_jointly(
    values: Mapping[Key, int | float | None],
    open_rows: Mapping[str, list[tuple[int, ...]]],
    columns: Sequence[str],
    rules: Sequence[SumRule],
    table: int,
) -> dict[str, tuple[int, ...]]:
    """Rows that no rule settles alone may be settled together: every combination of their
    candidates is scored by the rules it satisfies, and a row is taken when all the best
    combinations agree on it."""
    rows = sorted(open_rows)
    if prod(len(open_rows[r]) for r in rows) > MAX_JOINT_ASSIGNMENTS:
        return {}
    relevant = list({id(r): r for rs in _rules_touching(rules, set(rows)).values() for r in rs}.values())
    scores = _combination_scores(values, rows, open_rows, columns, relevant, table)
    top = max(scores)
    best = [combo for combo, score in zip(product(*(open_rows[r] for r in rows)), scores) if score == top]
    return {row: best[0][i] for i, row in enumerate(rows) if len({combo[i] for combo in best}) == 1}


def _unique_best(
    row: str,
    cands: list[tuple[int, ...]],
    values: Mapping[Key, int | float | None],
    columns: Sequence[str],
    relevant: Sequence[SumRule],
    table: int,
) -> tuple[int, ...] | None:
    scores = _combination_scores(values, (row,), {row: cands}, columns, relevant, table)
    best = max(scores)
    return cands[scores.index(best)] if scores.count(best) == 1 else None
