"""Reading Tables 2, 3 and 4 out of a report: from structural grids (HTML/PDF/DOCX) when they
yield the table, else from the cleaned text (one cell per line, markdown pipes, tab- or
space-separated rows, glued digit runs).

Both sources are first turned into the same stream of rows (label cells, then value cells), so
one assembler per table serves every input form. Regions are cut by each table's anchors, so
numbers in prose elsewhere never land in a table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from . import labels as lab, linear
from .checks import cell_values, outcome_layout, rows_read, table3_layout, table3_rules, table4_rules
from .codes import TABLE3_COLUMN_CODES, TABLE3_FULL_CELLS, TABLE3_ROWS, TABLE4_COLUMNS, TABLE4_GROUPS, TABLE4_KEYS
from .glued import ambiguous_flag, resolve_rows, split_totalled
from .model import TableCell, TablesResult
from .values import is_digit_run, is_null_marker, is_value, parse_number

T3_COLUMNS = TABLE3_COLUMN_CODES
T3_ORDER = {r.code: r.order for r in TABLE3_ROWS}
T3_CODES = tuple(T3_ORDER)
T3_COLUMN_INDEX = {code: i for i, code in enumerate(T3_COLUMNS)}
T4_KEYS = TABLE4_KEYS
# Cells of a complete Table 3 (the 2019 layout's 23 rows) and Table 4: a text reading with
# fewer is retried by label anchoring, as is a Table 2 of which nothing was read (its rows vary).
_FULL = {2: 1, 3: TABLE3_FULL_CELLS, 4: len(T4_KEYS)}

# Anchors that open each table's region; matched against an item's first label, which must be
# short so that prose mentioning the same words does not open a region.
_ANCHOR_MAX_LEN = 40
_T2_START = re.compile(r"第二十条第|主动公开政府信息情况$")
_T3_START = re.compile(r"收到和处理政府信息公开申请|申请人情况|本年新收")
_T4_START = re.compile(r"行政复议")
# Only 五: Table 3's own rows start "5.", and a missing Table 4 must not let them close it.
_END = re.compile(r"^五[、.]|存在的主要问题")
# Table 4 is small: in text its region never runs further than this many items.
_T4_MAX_ITEMS = 80

_MD_SEPARATOR = re.compile(r"^:?-{2,}:?$")
_SPLIT = re.compile(r"[ \u00a0\u3000]+")
_SEPARATED = re.compile(r"[ \u00a0\u3000|\t]")


@dataclass(slots=True)
class Item:
    """One source line or grid row, as tokens. `structured` rows keep their empty cells, which
    are real (blank) cells; in free text an empty stretch is just layout. Never changed once
    made: a text line's item is shared by every report that prints the line."""

    cells: list[str]
    structured: bool
    grid: int = 0
    head: str = field(init=False)  # the first cell that is no value: where a table's anchor is

    def __post_init__(self) -> None:
        self.head = next((cell for cell in self.cells if not is_value(cell)), "")


def _filled(cell: str) -> bool:
    return cell.strip() != ""


@dataclass
class Row:
    labels: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


@dataclass
class _Out:
    cells: list[TableCell] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


# --- sources to items ---------------------------------------------------------------------
# The earliest words a table region can open with: text before the first of them is prose.
_FIRST_ANCHOR = re.compile(r"第二十条第|主动公开政府信息情况|收到和处理政府信息公开申请|申请人情况|本年新收|行政复议")


def text_items(text: str) -> list[Item]:
    first = _FIRST_ANCHOR.search(text)
    if first is None:
        return []
    lines = text[text.rfind("\n", 0, first.start()) + 1 :].splitlines()
    return [item for item in map(_text_item, lines) if item is not None]


@lru_cache(maxsize=16384)  # lines repeat across reports: labels, headers, lone numbers
def _text_item(line: str) -> Item | None:
    """The line's item; None for a blank line or a markdown rule row."""
    stripped = line.strip()
    if not stripped:
        return None
    if not _SEPARATED.search(stripped):  # the common one-cell line, without a split
        return Item([stripped], False)
    if stripped.startswith("|") or stripped.count("|") >= 2:
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        return None if all(_MD_SEPARATOR.match(c) for c in cells if c) else Item(cells, True)
    if "\t" in stripped:
        return Item([c.strip() for c in stripped.split("\t")], True)
    # Spaces separate cells here; a label that spaces split ("(三) 不予公开") is rejoined by the
    # label matcher, which retries a label with the one before it.
    return Item(_SPLIT.split(stripped), False)


def grid_items(grids: Sequence[Sequence[Sequence[str]]]) -> list[Item]:
    # Cells keep their text as it stood (raw); blank-ness is judged on the stripped text.
    return [Item(list(row), True, n) for n, grid in enumerate(grids, start=1) for row in grid if row]


# --- items to rows --------------------------------------------------------------------------
@lru_cache(maxsize=8192)  # grid rows repeat across reports (headers, rows of zeros)
def _structured_row(cells: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(labels, values, is a row) of a structured row: its values are the cells after its last
    label. A labelled row of blank cells is a real row left unfilled; a row of nothing but
    blanks is layout (str.strip leaves a blank cell empty, i.e. false)."""
    is_val = list(map(is_value, cells))
    last = len(is_val) - 1 - is_val[::-1].index(False) if False in is_val else -1
    own = tuple(c.strip() for c, v in zip(cells[: last + 1], is_val) if not v)
    values = cells[last + 1 :]
    return own, values, bool(any(map(str.strip, values)) or (own and values))


def build_rows(items: Iterable[Item], values_first: bool = False) -> list[Row]:
    """Label cells followed by value cells make a row. In a structured row the values are the
    cells after its last label (a 序号 before the label is dropped). Labels not followed by
    values go on to the next row, which is how group labels and wrapped labels join it. A
    structured row of values with no label is kept as a row without labels (Table 3 finds its
    owner among its neighbours).

    `values_first` groups free text the other way, as some PDF text dumps print it: a line of
    numbers just before the label it belongs to."""
    rows: list[Row] = []
    cur = Row()
    for item in items:
        if item.structured:
            if cur.values:
                rows.append(cur)
                cur = Row()
            own, values, is_row = _structured_row(tuple(item.cells))
            cur.labels += own
            if is_row:
                cur.values = list(values)
                rows.append(cur)
                cur = Row()
            continue
        for tok in item.cells:
            if is_value(tok):
                if values_first and cur.labels and cur.values:
                    rows.append(cur)
                    cur = Row()
                cur.values.append(tok)
            else:
                if cur.values and not values_first:
                    rows.append(cur)
                    cur = Row()
                cur.labels.append(tok)
    if cur.values:
        rows.append(cur)
    return rows


def has_unlabelled_values(items: Iterable[Item]) -> bool:
    """Whether a free-text line holds a row of numbers and no label: only then can
    `values_first` apply (a lone number on a line is the one-cell-per-line form)."""
    return any(
        not it.structured and len(it.cells) > 1 and all(map(is_value, it.cells)) and any(map(_filled, it.cells))
        for it in items
    )


# --- regions --------------------------------------------------------------------------------
def find_regions(items: list[Item]) -> dict[int, list[Item]]:
    """The items of Tables 2, 3 and 4, each opened by its anchor (searched after the previous
    table's) and closed by the next table's anchor or by section 五."""
    # Text tokens hold no spaces; only grid cells need them dropped before matching.
    heads = [h.replace(" ", "") if len(h := it.head) <= _ANCHOR_MAX_LEN else "" for it in items]

    def first(pattern: re.Pattern[str], start: int) -> int | None:
        for i in range(start, len(heads)):
            if heads[i] and pattern.search(heads[i]):
                return i
        return None

    s2 = first(_T2_START, 0)
    s3 = first(_T3_START, 0 if s2 is None else s2 + 1)
    after3 = max(x for x in (s2, s3, -1) if x is not None) + 1
    s4 = first(_T4_START, after3)
    end = first(_END, after3 if s4 is None else s4 + 1)
    bounds = [b for b in (s3, s4, end, len(items)) if b is not None]
    regions: dict[int, list[Item]] = {}
    for table, start in ((2, s2), (3, s3), (4, s4)):
        if start is None:
            continue
        stop = min(b for b in bounds if b > start)
        region = items[start:stop]
        if table == 4:
            region = [it for it in region[:_T4_MAX_ITEMS] if it.grid == items[start].grid]
        regions[table] = region
    return regions


# --- cell values ----------------------------------------------------------------------------
@lru_cache(maxsize=8192)  # cell texts repeat heavily
def _count(raw: str) -> tuple[bool, int | None]:
    """(readable, value) of a Table 3/4 cell: counts are whole numbers."""
    if is_null_marker(raw):
        return True, None
    value = parse_number(raw)
    if isinstance(value, float):
        return (True, int(value)) if value.is_integer() else (False, None)
    return value is not None, value


@lru_cache(maxsize=8192)  # whole rows repeat too ('0' seven times is most rows of most reports)
def _row_cells(code: str, raws: tuple[str, ...]) -> tuple[tuple[TableCell, ...], bool]:
    """The cells of a Table 3 row (a cell that is no count left out), and whether every cell
    was readable. Reports that print a row alike share its cells, which nothing changes."""
    counts = map(_count, raws)
    cells = tuple(TableCell(3, code, col, value, raw) for col, (ok, value), raw in zip(T3_COLUMNS, counts, raws) if ok)
    return cells, len(cells) == len(raws)


def _fit(values: list[str], width: int) -> list[str] | None:
    """The row's `width` cells, trimming surplus empty cells a wrong colspan left at the ends."""
    if len(values) == width:  # the common case, without a copy
        return values
    vals = list(values)
    while len(vals) > width and not _filled(vals[-1]):
        vals.pop()
    while len(vals) > width and not _filled(vals[0]):
        vals.pop(0)
    return vals if len(vals) == width else None


# --- Table 3 --------------------------------------------------------------------------------
def _table3(rows: list[Row]) -> _Out:
    readings = _with_orphans_placed(_joined_continuations(rows, _table3_codes(rows)))
    if len(readings) == 1:
        return _table3_cells(readings[0])
    return max(map(_table3_cells, readings), key=_score)


Coded = list[tuple[Row, "str | None"]]


def _with_orphans_placed(rows: Coded) -> list[Coded]:
    """Converters print some rows' numbers on a row of their own, just above or below the label
    row whose cells are blank. Each such row of numbers goes to the one blank labelled row next
    to it; where both neighbours are blank labelled rows, the readings with all of those going
    up and all going down are both returned, for the arithmetic to choose."""

    def blank(i: int) -> bool:
        return 0 <= i < len(rows) and rows[i][1] is not None and not any(map(_filled, rows[i][0].values))

    owners: dict[int, int] = {}
    undecided: list[int] = []
    for i, (row, code) in enumerate(rows):
        # Numbers right under the header come with the header's cells as their "labels".
        unlabelled = not row.labels or (i == 0 and code is None)
        if not unlabelled or not any(map(_filled, row.values)):
            continue
        near = [j for j in (i - 1, i + 1) if blank(j)]
        if len(near) == 1:
            owners[i] = near[0]
        elif near:
            undecided.append(i)
    if not owners and not undecided:  # the common case: every row of numbers has its label
        return [rows]
    readings = []
    for step in (-1, 1) if undecided else (0,):
        chosen = {**owners, **{i: i + step for i in undecided}}
        claims = Counter(chosen.values())  # a row claimed by two rows of numbers gets neither
        placed = {j: i for i, j in chosen.items() if claims[j] == 1}
        readings.append(
            [
                (Row(row.labels, rows[placed[j]][0].values), code) if j in placed else (row, code)
                for j, (row, code) in enumerate(rows)
                if j not in chosen or chosen[j] not in placed
            ]
        )
    return readings


def _table3_cells(rows: Coded) -> _Out:
    out = _Out()
    read: dict[str, list[str]] = {}
    glued: dict[str, list[str]] = {}
    for row, code in rows:
        if code is None:
            continue
        if code in read or code in glued:
            out.flags.append("table3_duplicate_row")
            continue
        cells = _fit(row.values, len(T3_COLUMNS))
        if cells is not None:
            read[code] = cells
        elif row.values and len(row.values) < len(T3_COLUMNS) and all(map(is_digit_run, row.values)):
            glued[code] = row.values
        else:
            out.flags.append("table3_row_width_mismatch")
    _drop_blank_group_row(read)

    for code, raws in sorted(read.items(), key=lambda item: T3_ORDER[item[0]]):
        cells, readable = _row_cells(code, tuple(raws))
        out.cells += cells
        if not readable:
            out.flags.append("table3_unreadable_cell")
    if glued:
        # Glued rows are the rare case: only they need the cells read as a lookup.
        read_cells = len(out.cells)  # the cells read before the split adds its own
        _split_glued_table3(glued, set(read) | set(glued), lambda: cell_values(out.cells[:read_cells]), out)
        out.cells.sort(key=lambda c: (T3_ORDER[c.row], T3_COLUMN_INDEX[c.column]))
    return out


def _table3_either_order(region: list[Item]) -> _Out:
    """Table 3 read with labels before their values and, where unlabelled value rows exist,
    with values before their labels: the arithmetic decides (a shifted reading breaks the
    outcome sums and the balance), then the cells read."""
    after = _table3(build_rows(region))
    if not has_unlabelled_values(region) or _complete(after):
        return after
    before = _table3(build_rows(region, values_first=True))
    return max((after, before), key=_score)


def _complete(out: _Out) -> bool:
    """A full Table 3 whose every rule holds: no other reading could do better."""
    held, cells = _score(out)
    return cells >= _FULL[3] and held == len(_rules_of(out))


def _score(out: _Out) -> tuple[int, int]:
    """How good one reading of a table is: the rules its cells satisfy (a shifted or misread
    table breaks them), then how many cells it read."""
    values = cell_values(out.cells)
    return sum(1 for r in _rules_of(out) if r.holds(values)), len(out.cells)


def _rules_of(out: _Out) -> tuple:
    if not out.cells:
        return ()
    table = out.cells[0].table
    return (
        table3_rules(outcome_layout({c.row for c in out.cells}, None))
        if table == 3
        else table4_rules()
        if table == 4
        else ()
    )


def _table3_codes(rows: list[Row]) -> list[str | None]:
    """Each row's code: by its label's keyword, else (a misspelt label) by resemblance to the
    printed labels of the rows that table order leaves between the rows found around it."""
    codes: list[str | None] = []
    previous: str | None = None
    for row in rows:
        code = lab.table3_row_of(row.labels, previous)
        codes.append(code)
        previous = code or previous
    # A row whose own (last) label names nothing took its code from a group label before it
    # ('(六)其他处理' above a misspelt '1.申请人…逾不期补正…'): its own label decides, as a typo.
    by_group = {
        i
        for i, (row, code) in enumerate(zip(rows, codes))
        if code is not None
        and len(row.labels) > 1
        and lab.table3_row(row.labels[-1], None) is None
        and lab.resembling_row(row.labels[-1], T3_CODES) is not None
    }
    known = [(i, T3_ORDER[c]) for i, c in enumerate(codes) if c is not None and i not in by_group]
    for i, code in enumerate(codes):
        if (code is not None and i not in by_group) or not rows[i].values or not rows[i].labels:
            continue
        low = max((order for j, order in known if j < i), default=0)
        high = min((order for j, order in known if j > i), default=len(T3_ORDER) + 1)
        between = tuple(c for c, order in T3_ORDER.items() if low < order < high)
        label = rows[i].labels[-1] if i in by_group else " ".join(rows[i].labels[-2:])
        codes[i] = lab.resembling_row(label, between) or (code if i in by_group else None)
    return codes


def _joined_continuations(rows: list[Row], codes: list[str | None]) -> Coded:
    """A label wrapped onto a second row, with the numbers on only one of the two: '4.无正 | 0 |
    0 …' then '当理由大量反复申请' over blank cells, or '一、本年新收政府信息' over blank cells then
    '公开申请数量 | 0 | 0 …'. The two rows are one when one holds the numbers and the other only
    blank cells, the lower one does not open with an ordinal of its own (it is not the next
    row), and the wrapped label, joined, names a row that the numbered half names not at all, or
    that both halves name ('3.危及“三安全' over '一稳定”')."""
    joined: Coded = []
    previous: str | None = None
    for row, code in zip(rows, codes):
        above = joined[-1][0] if joined else None
        # Cheapest tests first: this runs for every row of every Table 3.
        if (
            above is not None
            and row.labels
            and above.labels
            and any(map(_filled, above.values)) != any(map(_filled, row.values))
            and not lab.opens_with_ordinal(row.labels[0])
        ):
            numbered, blank = (above, row) if any(map(_filled, above.values)) else (row, above)
            wrapped = lab.table3_row(above.labels[-1] + row.labels[0], previous)
            own = lab.table3_row(numbered.labels[-1], previous)
            if wrapped is not None and (own is None or own == wrapped == lab.table3_row(blank.labels[-1], previous)):
                joined[-1] = (Row(above.labels + row.labels, numbered.values), wrapped)
                previous = wrapped
                continue
        joined.append((row, code))
        previous = code or previous
    return joined


def _drop_blank_group_row(read: dict[str, list[str]]) -> None:
    """A 2021 (六)其他处理 group label on a row of its own with empty cells is not the 2019 row
    other_handling: its sub-rows carry the numbers."""
    subrows = {"other_no_correction", "other_fee_unpaid", "other_other"}
    if "other_handling" in read and subrows & set(read) and not any(map(_filled, read["other_handling"])):
        del read["other_handling"]


def _split_glued_table3(
    glued: dict[str, list[str]], rows: set[str], known: Callable[[], dict[tuple[int, str, str], int | None]], out: _Out
) -> None:
    candidates = {code: split_totalled(runs, 1, len(T3_COLUMNS)) for code, runs in glued.items()}
    rules = table3_rules(outcome_layout(rows, None))
    chosen = resolve_rows(known, candidates, T3_COLUMNS, rules)
    for code, runs in glued.items():
        if code not in chosen:
            # No split at all means the row lost cells rather than separators.
            out.flags.append(
                ambiguous_flag(f"table3.{code}", len(candidates[code]))
                if candidates[code]
                else "table3_row_width_mismatch"
            )
            continue
        raw = " ".join(runs)
        out.cells += [TableCell(3, code, col, v, raw) for col, v in zip(T3_COLUMNS, chosen[code])]
        out.repairs.append("glued_digits_split")


# --- Table 4 --------------------------------------------------------------------------------
def _table4(rows: list[Row]) -> _Out:
    """The 15 numbers in reading order: review, then litigation_direct, then
    litigation_after_review, each upheld, corrected, other, pending, total."""
    out = _Out()
    values = [v for row in rows if any(map(_filled, row.values)) for v in row.values]
    if not values:
        return out
    fitted = _fit(values, len(T4_KEYS))
    if fitted is not None:
        for (group, col), raw in zip(T4_KEYS, fitted):
            ok, value = _count(raw)
            if ok:
                out.cells.append(TableCell(4, group, col, value, raw))
            else:
                out.flags.append("table4_unreadable_cell")
        return out
    if len(values) < len(T4_KEYS) and all(map(is_digit_run, values)):
        splits = split_totalled(values, len(TABLE4_GROUPS), len(TABLE4_COLUMNS))
        if len(splits) == 1:
            raw = " ".join(values)
            out.cells = [TableCell(4, g, c, v, raw) for (g, c), v in zip(T4_KEYS, splits[0])]
            out.repairs.append("glued_digits_split")
        else:
            out.flags.append(ambiguous_flag("table4", len(splits)) if splits else "table4_width_mismatch")
        return out
    out.flags.append("table4_width_mismatch")
    return out


# --- Table 2 --------------------------------------------------------------------------------
def _table2(rows: list[Row]) -> tuple[_Out, str | None]:
    """Each row's values go to the columns of the header read last; a 第二十条 item marker or a
    header after a data row starts a new header."""
    out = _Out()
    headers_seen = {c for row in rows for c in map(lab.table2_column, row.labels) if c}
    layout = lab.table2_layout(headers_seen)
    columns: list[str] = []
    closed = False
    seen: set[tuple[str, str]] = set()
    for row in rows:
        code = None
        for label in row.labels:
            if lab.ITEM_MARKER.search(lab.normalise(label)):
                columns, closed = [], False
            elif (col := lab.table2_column(label)) is not None:
                if closed:
                    columns, closed = [], False
                columns.append(col)
            elif (found := lab.table2_row(label)) is not None:
                code = found
        if code is None:
            continue
        closed = True
        cols = lab.table2_row_columns(code, layout, columns)
        vals = _fit(row.values, len(cols)) if cols else None
        if vals is None:
            out.flags.append("table2_row_width_mismatch")
            continue
        for col, raw in zip(cols, vals):
            if (code, col) in seen:
                continue
            seen.add((code, col))
            value = None if is_null_marker(raw) else parse_number(raw)
            out.cells.append(TableCell(2, code, col, value, raw))
    return out, layout


# --- entry point ----------------------------------------------------------------------------
def _read(regions: dict[int, list[Item]]) -> dict[int, tuple[_Out, str | None]]:
    found: dict[int, tuple[_Out, str | None]] = {}
    if 2 in regions:
        found[2] = _table2(build_rows(regions[2]))
    if 3 in regions:
        found[3] = (_table3_either_order(regions[3]), None)
    if 4 in regions:
        found[4] = (_table4(build_rows(regions[4])), None)
    return found


def extract_tables(text: str, grids: list[list[list[str]]]) -> TablesResult:
    """Cells of Tables 2, 3 and 4 with the repairs made and flags raised reading them. Each
    table is taken from the grids when they yield any of its cells, else from the text."""
    found = _read(find_regions(grid_items(grids))) if grids else {}
    if any(table not in found or not found[table][0].cells for table in (2, 3, 4)):
        from_text = _read(find_regions(text_items(text)))
        for table, read in from_text.items():
            if table not in found or not found[table][0].cells:
                found[table] = read
    # Text that lost its cells (a page's text on one line) yields nothing above: read it by
    # anchoring on the labels instead, and keep the reading whose cells satisfy more of the
    # table's rules, then the one with more cells (_score).
    if any(table not in found or len(found[table][0].cells) < _FULL[table] for table in (2, 3, 4)):
        for table, read in linear.read_tables(text).items():
            other = _Out(read.cells, read.repairs, read.flags)
            if table not in found or _score(other) > _score(found[table][0]):
                found[table] = (other, read.layout_hint if table == 2 else None)
    result = TablesResult()
    for table in sorted(found):
        out, _ = found[table]
        result.cells += out.cells
        result.repairs += out.repairs
        result.flags += out.flags
    # Repairs and flags name what happened, once each, in the order first met.
    result.repairs = list(dict.fromkeys(result.repairs))
    result.flags = list(dict.fromkeys(result.flags))
    t2_layout = found[2][1] if 2 in found else None
    # (六) split into sub-rows is only printed since 2021; a 2021 report may keep the old Table 2
    # columns, and a later one the single (六) row, so that sign outranks Table 2's columns.
    result.rows = rows_read(result.cells)
    t3_layout = table3_layout(result.rows.get(3, set()))
    result.layout_hint = "2021" if t3_layout == "2021" else t2_layout or t3_layout
    return result
