"""Splitting glued digit runs ("801000081" -> 80|1|0|0|0|0|81) under the table's own arithmetic.

Text dumps sometimes lose the separators between a row's cells. The split is searched, never
guessed: a candidate must make every group's last number the sum of the others (the row's total
column, Table 4's group totals); among Table 3 rows the column rules (outcome sum, balance) then
pick between candidates. A split is taken only when it is the unique best; for a table that obeys
its rules the true split always scores best, so a unique best can never be a wrong split.
Where no unique split exists the row is reported ambiguous and its cells are left out.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence

from .checks import Key, SumRule

# Reports' counts stay far below a billion; a longer piece is never one cell.
MAX_CELL_DIGITS = 9
# Bound on candidates kept per run: beyond it the run is ambiguous anyway.
MAX_CANDIDATES = 5000


def _pieces(text: str, pos: int, parts: int, stops: Sequence[int], later: int
            ) -> Iterator[tuple[tuple[int, ...], int]]:
    """Numbers cut from text[pos:], `parts` of them, yielding (numbers, end position). A piece
    never crosses a stop (a separator the source did have) and has no leading zero; `later`
    pieces must still fit in what remains, which prunes the search."""
    if parts == 0:
        yield (), pos
        return
    limit = min(stops[bisect_right(stops, pos)], pos + MAX_CELL_DIGITS)
    for end in range(pos + 1, limit + 1):
        remaining = len(text) - end
        after = parts - 1 + later
        if remaining < after or remaining > after * MAX_CELL_DIGITS:
            continue
        piece = text[pos:end]
        if len(piece) > 1 and piece[0] == "0":
            break  # "01" is not a number, and neither is any longer piece starting with 0
        for rest, stop in _pieces(text, end, parts - 1, stops, later):
            yield (int(piece), *rest), stop


def split_totalled(runs: Sequence[str], groups: int, width: int) -> list[tuple[int, ...]]:
    """Every way to cut the digit runs into `groups` groups of `width` numbers in which each
    group's last number is the sum of the group's others. `runs` are the digit strings as the
    source separated them; each separation is kept. At most MAX_CANDIDATES + 1 are returned."""
    text = "".join(runs)
    stops, pos = [], 0
    for run in runs:
        pos += len(run)
        stops.append(pos)
    found: list[tuple[int, ...]] = []

    def search(start: int, group: int, acc: tuple[int, ...]) -> None:
        if len(found) > MAX_CANDIDATES:
            return
        if group == groups:
            if start == len(text):
                found.append(acc)
            return
        later = (groups - group - 1) * width
        for numbers, end in _pieces(text, start, width, stops, later):
            if sum(numbers[:-1]) == numbers[-1]:
                search(end, group + 1, acc + numbers)

    search(0, 0, ())
    return found


def resolve_rows(
    known: Mapping[Key, int | float | None],
    candidates: Mapping[str, list[tuple[int, ...]]],
    columns: Sequence[str],
    rules: Sequence[SumRule],
    table: int = 3,
) -> dict[str, tuple[int, ...]]:
    """Pick each glued row's split. `candidates` maps a row code to its row-consistent splits
    (values in `columns` order). A row is settled when one candidate satisfies strictly more
    rules than every other; settled rows then count as known for the others, until nothing
    changes. Rows left out of the result are ambiguous."""
    values = dict(known)
    # A row whose search hit MAX_CANDIDATES may lack its true split, so it cannot be settled.
    open_rows = {row: cands for row, cands in candidates.items() if 0 < len(cands) <= MAX_CANDIDATES}
    chosen: dict[str, tuple[int, ...]] = {}
    progress = True
    while open_rows and progress:
        progress = False
        for row in sorted(open_rows):
            pick = _unique_best(row, open_rows[row], values, columns, rules, table)
            if pick is not None:
                chosen[row] = pick
                values.update({(table, row, col): v for col, v in zip(columns, pick)})
                del open_rows[row]
                progress = True
    return chosen


def _unique_best(row: str, cands: list[tuple[int, ...]], values: Mapping[Key, int | float | None],
                 columns: Sequence[str], rules: Sequence[SumRule], table: int) -> tuple[int, ...] | None:
    if len(cands) == 1:
        return cands[0]
    relevant = [r for r in rules if any(key[1] == row for _, key in r.lhs + r.rhs)]
    scores = []
    for cand in cands:
        trial = {**values, **{(table, row, col): v for col, v in zip(columns, cand)}}
        scores.append(sum(1 for r in relevant if r.holds(trial)))
    best = max(scores)
    return cands[scores.index(best)] if scores.count(best) == 1 else None
