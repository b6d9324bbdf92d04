"""What a careful reader can know from glued digit runs: the corpus generator's proof that the
truth it writes for a glued rendering is the only reading the page allows.

A run is what a page prints for one table row, as tokens: a space is a cell boundary, inside a
token the boundaries are lost ('20 0 0 0 02'). A reading cuts every token into whole numbers,
none with a leading zero ('0' alone is a number). A reader then keeps the readings that obey the
table's rules: each row's (or Table 4 group's) last cell is the sum of the others, and the
column rules across rows. A row is settled when one reading is left. This is the procedure the
second reading of the real reports used (tests/fixtures/real_reports/REVIEW.md), and it is written
here, apart from the parser, so that the truth never depends on the code it scores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import product
from math import prod

Reading = tuple[int, ...]
# Past this many readings of one run, or combinations of unsettled rows, a reader could not
# settle them by hand either; the generator prints such runs spaced instead of searching on.
READINGS_LIMIT = 2000
COMBINATIONS_LIMIT = 4096


def readings(tokens: Sequence[str], count: int) -> list[Reading] | None:
    """Every way to read the digit tokens as `count` numbers, or None when there are more than
    READINGS_LIMIT (the list would be cut short, so it could not show that a reading is unique)."""
    found: list[Reading] = []
    digits_after = [sum(len(t) for t in tokens[i:]) for i in range(len(tokens) + 1)]

    def walk(t: int, pos: int, acc: list[int]) -> bool:  # False: too many, stop
        need = count - len(acc)
        left_digits = digits_after[t] - pos
        # Every later token holds at least one number, and every number at least one digit.
        if need > left_digits or need < len(tokens) - t:
            return True
        if t == len(tokens):
            found.append(tuple(acc))
            return len(found) <= READINGS_LIMIT
        token = tokens[t]
        for end in [pos + 1] if token[pos] == "0" else range(pos + 1, len(token) + 1):
            acc.append(int(token[pos:end]))
            going = walk(t + 1, 0, acc) if end == len(token) else walk(t, end, acc)
            acc.pop()
            if not going:
                return False
        return True

    return found if walk(0, 0, []) else None


def totals_hold(values: Sequence[int], width: int) -> bool:
    """Each group of `width` cells ends with the sum of the group's other cells."""
    return all(sum(values[i : i + width - 1]) == values[i + width - 1] for i in range(0, len(values), width))


def candidates(tokens: Sequence[str], count: int, width: int | None) -> list[Reading] | None:
    """The readings a reader keeps for one run: those whose groups of `width` add up, or all of
    them when `width` is None (the truth breaks that rule, or the table has none)."""
    found = readings(tokens, count)
    if found is None or width is None:
        return found
    return [r for r in found if totals_hold(r, width)]


def unsettled(
    rows: Mapping[str, list[Reading] | None], joint_rule: Callable[[Mapping[str, Reading]], bool] | None
) -> set[str]:
    """The rows a reader cannot settle. A row with one candidate is settled; the others are
    settled together when exactly one combination of their candidates satisfies `joint_rule`
    (Table 3's column rules; None when the truth breaks them, so they cannot be relied on)."""
    open_rows = sorted(code for code, cands in rows.items() if cands is None or len(cands) != 1)
    if not open_rows or joint_rule is None or any(rows[code] is None for code in open_rows):
        return set(open_rows)
    if prod(len(rows[code]) for code in open_rows) > COMBINATIONS_LIMIT:
        return set(open_rows)
    fixed = {code: cands[0] for code, cands in rows.items() if code not in open_rows}
    satisfying = 0
    for combination in product(*(rows[code] for code in open_rows)):
        if joint_rule({**fixed, **dict(zip(open_rows, combination))}):
            satisfying += 1
            if satisfying > 1:
                return set(open_rows)
    return set() if satisfying == 1 else set(open_rows)
