"""Reading Tables 2, 3 and 4 out of running text that lost its cells: a portal page's text with
its tags removed, where the whole report sits on one line, each row label is followed directly
by its numbers (glued, spaced irregularly or partly glued: '0 0 0 0 0 00'), and the ordinal of the
next label sticks to the last number ('…00000002.其他法律…' is 0|0|0|0|0|0|0 then '2.其他法律').

Rows are found by anchoring on the known labels in table order; a row whose label is misspelt
is placed by its position between the rows found around it. The digits between a label and the
next are that row's run, and glued runs are split by glued.py under the table's own arithmetic,
jointly over the rows. Nothing here depends on line breaks, so a text that kept them reads too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from . import labels as lab
from .checks import table3_rules
from .codes import TABLE2_BLOCKS, TABLE3_COLUMN_CODES, TABLE3_FULL_CELLS, TABLE4_COLUMNS, TABLE4_GROUPS, TABLE4_KEYS
from .glued import (
    agreed_groups,
    all_splits,
    ambiguous_flag,
    broken_split_flag,
    fewest_broken,
    resolve_rows,
    split_bounded,
    split_totalled,
)
from .model import TableCell, TablesResult
from .values import is_digit_run, is_null_marker, parse_number

T3_COLUMNS = TABLE3_COLUMN_CODES
T3_WIDTH = len(T3_COLUMNS)
T4_WIDTH = len(TABLE4_COLUMNS)

# A row ordinal glued after the previous row's last number ('00000002.其他'): the digit right
# before '.' or '、' and a non-digit. Tables 3 and 4 print no decimals, so it is never a value; it
# is masked with a non-digit of the same length, which keeps every position.
_ORDINAL = re.compile(r"\d(?=[.、．][^\d])")
_MASK = "#"
_NULLS = "/—–\\-"
# After a row's keyword: the rest of its label (no digits), then its cells.
_ROW_TEXT = re.compile(rf"([^\d{_NULLS}]*)([\d\s{_NULLS}]*)")
# The rest of a label, plus for a row printed blank the next label's prefix, is never longer.
_MAX_TAIL = 60
# A row's keyword is looked for this far after the row before it; further on it is prose.
_ROW_WINDOW = 400
# Tables 3 and 4 open with these words (the first is the header of Table 3).
_T3_OPENERS = re.compile(r"申请人情况|本年新收")
_T4_OPENER = re.compile(r"行政(?:法)?复议|复议后起诉")
_T4_WINDOW = 500
_END = re.compile(r"五[、.]|存在的主要问题")
_TABLE2_OPENER = re.compile(r"第二十条\s*第")
_TABLE2_CELL = re.compile(rf"[\d\s.,+{_NULLS}]*(?:万元|元)?")
_TABLE2_MAX_TAIL = 8
_SPACES = re.compile(r"[ \t\n\r\u00a0\u3000]+")
# Markdown's pipes separate cells like spaces; its header rule row (|---|:--:|) is no cell.
# A rule starts where a run of dashes starts ((?<!-)): tried inside a long run it was quadratic.
_MARKDOWN_RULE = re.compile(r"\|?(?:\s*:?(?<!-)-{3,}:?\s*\|)+(?:\s*:?(?<!-)-{3,}:?\s*)?")


@dataclass(slots=True)
class _Anchor:
    code: str
    start: int  # of the label's keyword
    end: int
    cells: str | None = None  # the row's cell text; None: the label is not followed by cells
    cells_end: int = 0  # where the row's text ends
    ordinal_at: int | None = None  # where a digit right after the cells was taken for an ordinal


# --- Table 3 --------------------------------------------------------------------------------
def _anchor_rows(text: str, start: int, layout: str) -> list[_Anchor]:
    """The rows of `layout` found in order from `start`, each keyword within _ROW_WINDOW of the
    row before it (a row the report lacks is skipped, not searched for in later prose)."""
    found: list[_Anchor] = []
    pos = start
    for code, pattern in lab.TABLE3_ANCHORS[layout]:
        m = pattern.search(text, pos, pos + _ROW_WINDOW)
        if m is not None:
            found.append(_Anchor(code, m.start(), m.end()))
            pos = m.end()
    for i, row in enumerate(found):
        stop = found[i + 1].start if i + 1 < len(found) else row.end + _ROW_WINDOW
        m = _ROW_TEXT.match(text, row.end, stop)
        if len(m[1]) > _MAX_TAIL:
            continue
        if (other := _NEXT_LABEL.search(m[1])) is not None:
            # The cells follow another label that opens with its own ordinal ('…已获取信息(六)其处他理
            # 00 0 0 0 00'): this row is printed blank, and those cells are that label's.
            row.cells, row.cells_end = "", row.end + other.start()
            continue
        row.cells, row.cells_end = m[2], m.end(2)
        if m.end(2) < len(text) and text[m.end(2)] == _MASK:
            row.ordinal_at = m.end(2)
    return found


# An ordinal opening a label: (四), 四、 or a masked 1. / 1、.
_ORDINAL_MARK = re.compile(rf"\([一二三四五六七八]\)|[一二三四五六七八九]、|{_MASK}[.、．]")
# One inside what follows a row's keyword, with label text after it.
_NEXT_LABEL = re.compile(rf"(?:{_ORDINAL_MARK.pattern})[\u4e00-\u9fff]")


def _labelled_pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int, str, int]]:
    """The labels in text[start:end], cut where an ordinal opens one, each with the cells that
    follow it (none for a row printed blank): (label start, label end, cells, cells end)."""
    cuts = [start, *(m.start() for m in _ORDINAL_MARK.finditer(text, start, end) if m.start() > start), end]
    for a, b in zip(cuts, cuts[1:]):
        m = _ROW_TEXT.match(text, a, b)
        if m[1].strip():
            yield a, m.end(1), m[2], m.end(2)


def _place_unanchored(text: str, rows: list[_Anchor], layout: str, start: int) -> list[_Anchor]:
    """Rows whose keyword was not found (a typo): each label in the gap their found neighbours
    leave (or between the table's start and the first row found), with its cells or printed
    blank, is matched in table order with the missing row whose printed label it resembles."""
    order = [code for code, _ in lab.TABLE3_ANCHORS[layout]]
    found = {r.code: r for r in rows}
    placed = list(rows)
    i = 0
    while i < len(order):
        if order[i] in found:
            i += 1
            continue
        j = i
        while j < len(order) and order[j] not in found:
            j += 1
        before = found.get(order[i - 1]) if i > 0 else None
        after = found.get(order[j]) if j < len(order) else None
        if (before is None or before.cells is not None) and (before or after):
            gap_start = start if before is None else before.cells_end
            gap_end = after.start if after is not None else gap_start + _ROW_WINDOW
            missing = tuple(order[i:j])
            for label_start, label_end, cells, cells_end in _labelled_pieces(text, gap_start, gap_end):
                code = lab.resembling_row(text[label_start:label_end], missing)
                if code is None:
                    continue
                placed.append(_Anchor(code, label_start, label_end, cells, cells_end))
                missing = missing[missing.index(code) + 1 :]
        i = j
    return sorted(placed, key=lambda r: r.start)


def _table3_at(text: str, start: int) -> tuple[list[_Anchor], str]:
    window = text[start : start + 30 * _ROW_WINDOW]
    layout = "2021" if lab.TABLE3_2021_SUBROW.search(window) else "2019"
    rows = _anchor_rows(text, start, layout)
    return _place_unanchored(text, rows, layout, start), layout


@lru_cache(maxsize=8192)  # a row's cell text repeats across reports ('0 0 0 0 0 0 0', '0000000')
def _tokens(cells: str) -> tuple[str, ...]:
    return tuple(t for t in _SPACES.split(cells.replace(_MASK, " ")) if t)


@lru_cache(maxsize=4096)  # runs repeat heavily ('0000000' is most rows of most reports)
def _row_candidates(tokens: tuple[str, ...], groups: int, width: int) -> tuple[list[tuple[int, ...]], str | None]:
    """Splits of a glued row (or Table 4's run) into `groups` totalled groups: exact ones with
    the source's spaces as boundaries, else ignoring them, else the splits that break the fewest
    sums with parts within their totals. Returns (candidates, why): why is "broken" when the
    candidates break a sum, "stopped" when the bounded search gave up, else None."""
    joined = ("".join(tokens),)
    for runs in (tokens, joined):
        exact = split_totalled(runs, groups, width)
        if exact:
            return exact, None
    for runs in (tokens, joined):
        bounded, stopped = split_bounded(runs, groups, width)
        if stopped:
            return [], "stopped"
        if bounded:
            return fewest_broken(bounded), "broken"
    return [], None


@lru_cache(maxsize=8192)  # as its tokens repeat
def _read_row(tokens: tuple[str, ...]) -> tuple[str, object]:
    """One row's cells: ("cells", values) when printed one by one, ("glued", (candidates, why))
    when its digits must be split, ("failed", flag) when they cannot be read."""
    if len(tokens) == T3_WIDTH and all(map(_is_count, tokens)):
        return "cells", tuple(None if is_null_marker(t) else int(t) for t in tokens)
    if len(tokens) < T3_WIDTH * 9 and all(map(is_digit_run, tokens)):
        cands, why = _row_candidates(tokens, 1, T3_WIDTH)
        if cands:
            return "glued", (cands, why)
        if why == "stopped":
            return "failed", "glued_digits_search_stopped"
    return "failed", "table3_row_width_mismatch"


_BLANK_ROW = (None,) * T3_WIDTH


@lru_cache(maxsize=8192)  # rows repeat across reports, which share their cells: nothing changes them
def _row_cells(code: str, values: tuple[int | None, ...], raws: tuple[str, ...]) -> tuple[TableCell, ...]:
    return tuple(map(TableCell, repeat(3), repeat(code), T3_COLUMNS, values, raws))


def _read_table3(text: str, original: str, start: int) -> tuple[TablesResult, int]:
    """Table 3's cells from the rows anchored at `start` in the ordinal-masked `text`; also where
    the table's text ends. A row that cannot be read exactly without the digit taken for the
    next label's ordinal is read with it when that adds up (the label had lost its numeral:
    '…0000101、上年结转')."""
    out = TablesResult()
    rows, layout = _table3_at(text, start)
    glued: dict[str, tuple[list[tuple[int, ...]], str]] = {}
    by_row: dict[str, tuple[TableCell, ...]] = {}  # each row's cells, put in table order at the end
    for row in rows:
        if row.cells is None:
            continue
        tokens = _tokens(row.cells)
        if not tokens:  # a label with no cells at all: the row is printed and left blank
            by_row[row.code] = _row_cells(row.code, _BLANK_ROW, ("",) * T3_WIDTH)
            continue
        kind, read = _read_row(tokens)
        if row.ordinal_at is not None and (kind == "failed" or (kind == "glued" and read[1] == "broken")):
            with_digit = _tokens(row.cells + original[row.ordinal_at])
            kind2, read2 = _read_row(with_digit)
            if kind2 == "cells" or (kind2 == "glued" and read2[1] is None):
                tokens, kind, read = with_digit, kind2, read2
        if kind == "cells":
            by_row[row.code] = _row_cells(row.code, read, tokens)
        elif kind == "glued":
            cands, why = read
            glued[row.code] = (cands, " ".join(tokens))
            if why == "broken":
                out.flags.append(broken_split_flag(f"table3.{row.code}"))
        else:
            out.flags.append(read if read == "table3_row_width_mismatch" else f"{read}:table3.{row.code}")
    if glued:
        # The cells read otherwise, for the column rules that choose between splits; a blank
        # cell counts as 0 there (it adds nothing to a sum), never in the values reported.
        def known() -> dict[tuple[int, str, str], int]:
            return {(3, c.row, c.column): c.value or 0 for cells in by_row.values() for c in cells}

        chosen = resolve_rows(known, {code: c for code, (c, _) in glued.items()}, T3_COLUMNS, table3_rules(layout))
        for code, (cands, raw) in glued.items():
            if code in chosen:
                by_row[code] = _row_cells(code, tuple(chosen[code]), (raw,) * T3_WIDTH)
                out.repairs.append("glued_digits_split")
            else:
                out.flags.append(ambiguous_flag(f"table3.{code}", len(cands)))
    out.cells = [cell for code, _ in lab.TABLE3_ANCHORS[layout] for cell in by_row.get(code, ())]
    out.layout_hint = layout if rows else None
    end = max((r.cells_end for r in rows), default=start)
    return out, end


_SIGNED = re.compile(r"-?\d+")


def _is_count(token: str) -> bool:
    """A cell printed on its own: a number (negative ones too: a finding the checks report)
    or a not-filled marker."""
    return is_null_marker(token) or _SIGNED.fullmatch(token) is not None


def _table3_starts(text: str) -> Iterator[int]:
    for m in _T3_OPENERS.finditer(text):
        yield m.start()


# --- Table 4 --------------------------------------------------------------------------------
def _read_table4(text: str, start: int) -> TablesResult:
    """The 15 numbers after Table 4's header words, review first, each group's total last."""
    out = TablesResult()
    opener = _T4_OPENER.search(text, start)
    if opener is None:
        return out
    stop = opener.start() + _T4_WINDOW
    end = _END.search(text, opener.end(), stop)
    region = text[opener.end() : end.start() if end else stop]
    tokens = [t for m in re.finditer(rf"[\d{_NULLS}][\d\s{_NULLS}]*", region) for t in _tokens(m[0])]
    if not tokens:
        return out
    if len(tokens) == len(TABLE4_KEYS) and all(map(_is_count, tokens)):
        out.cells = [
            TableCell(4, g, c, None if is_null_marker(t) else int(t), t) for (g, c), t in zip(TABLE4_KEYS, tokens)
        ]
        return out
    if not (len(tokens) < len(TABLE4_KEYS) and all(map(is_digit_run, tokens))):
        out.flags.append("table4_width_mismatch")
        return out
    cands, why = _row_candidates(tuple(tokens), len(TABLE4_GROUPS), T4_WIDTH)
    if not cands:
        out.flags.append("glued_digits_search_stopped:table4" if why == "stopped" else "table4_width_mismatch")
        return out
    raw = " ".join(tokens)
    groups = range(len(TABLE4_GROUPS)) if len(cands) == 1 else agreed_groups(cands, T4_WIDTH)
    if len(cands) > 1:
        out.flags.append(ambiguous_flag("table4", len(cands)))
    if why == "broken":
        out.flags.append(broken_split_flag("table4"))
    for g in groups:
        keys = TABLE4_KEYS[g * T4_WIDTH : (g + 1) * T4_WIDTH]
        out.cells += [
            TableCell(4, grp, col, v, raw) for (grp, col), v in zip(keys, cands[0][g * T4_WIDTH : (g + 1) * T4_WIDTH])
        ]
    if out.cells:
        out.repairs.append("glued_digits_split")
    return out


# --- Table 2 --------------------------------------------------------------------------------
def _block_rows(layout: str | None) -> dict[str, tuple[str, ...]]:
    """Item numeral (一, 五 …) → the row codes of the layout's Table 2 block of that item."""
    return {
        lab.ITEM_MARKER.search(block.item)[1]: tuple(c for c, _ in block.rows)
        for block in TABLE2_BLOCKS
        if block.layout == layout
    }


def _table2_cells(row: str, columns: tuple[str, ...], cell_text: str) -> tuple[list[TableCell], str | None]:
    tokens = _tokens(cell_text)
    raw = " ".join(tokens)
    if not tokens:
        return [TableCell(2, row, col, None, "") for col in columns], None
    if len(tokens) == len(columns):
        values = [None if is_null_marker(t) else parse_number(t) for t in tokens]
        if any(v is None and not is_null_marker(t) for v, t in zip(values, tokens)):
            return [], "table2_row_width_mismatch"
        return [TableCell(2, row, col, v, t) for col, v, t in zip(columns, values, tokens)], None
    digits = [t.removesuffix("万元").removesuffix("元") for t in tokens]
    if len(tokens) < len(columns) and all(map(is_digit_run, digits)):
        splits = all_splits(digits, len(columns))
        if len(splits) == 1:
            return [TableCell(2, row, col, v, raw) for col, v in zip(columns, splits[0])], None
        if splits:
            return [], ambiguous_flag(f"table2.{row}", len(splits))
    return [], "table2_row_width_mismatch"


def _read_table2(text: str, stop: int) -> TablesResult:
    out = TablesResult()
    opener = _TABLE2_OPENER.search(text, 0, stop)
    if opener is None:
        return out
    markers = list(lab.ITEM_MARKER.finditer(text, opener.start(), stop))
    spans = [(m[1], m.end(), markers[i + 1].start() if i + 1 < len(markers) else stop) for i, m in enumerate(markers)]
    blocks = [(numeral, list(lab.table2_keywords(text, s, e))) for numeral, s, e in spans]
    columns_seen = {code for _, hits in blocks for kind, code, _, _ in hits if kind == "column"}
    layout = lab.table2_layout(columns_seen)
    rows_of = _block_rows(layout)
    seen: set[str] = set()
    for numeral, hits in blocks:
        allowed = rows_of.get(numeral, ())
        read = tuple(code for kind, code, _, _ in hits if kind == "column")
        for i, (kind, code, _, end) in enumerate(hits):
            if kind != "row" or code not in allowed or code in seen:
                continue
            next_start = hits[i + 1][2] if i + 1 < len(hits) else min(stop, end + 200)
            tail = re.match(rf"[^\d{_NULLS}]{{0,{_TABLE2_MAX_TAIL}}}", text[end:next_start])[0]
            cell_text = _TABLE2_CELL.match(text, end + len(tail), next_start)[0]
            seen.add(code)
            columns = lab.table2_row_columns(code, layout, read)
            cells, flag = _table2_cells(code, columns, cell_text)
            out.cells += cells
            if flag:
                out.flags.append(flag)
            elif cells and len(_tokens(cell_text)) < len(columns):
                out.repairs.append("glued_digits_split")
    out.layout_hint = layout
    return out


# --- entry point ----------------------------------------------------------------------------
def _unwrapped(text: str) -> str:
    """The text as one line. A line break of a wrapped text is nothing inside a label
    ('国家\n秘密'); only between two digits may it separate cells, and there it is a space."""
    lines = [line.strip() for line in text.splitlines()]
    out = [lines[0]] if lines else []
    for line in lines[1:]:
        if not line:
            continue
        if out and out[-1] and out[-1][-1].isdigit() and line[0].isdigit():
            out.append(" ")
        out.append(line)
    return "".join(out)


def read_tables(text: str) -> dict[int, TablesResult]:
    """Tables 2, 3 and 4 read from running text. Table 3 is read at each place its opening
    words occur and the reading with the most cells wins (the words also occur in prose)."""
    if not (_T3_OPENERS.search(text) or _TABLE2_OPENER.search(text)):
        return {}  # prose: no table opens here
    if "---" in text:
        text = _MARKDOWN_RULE.sub(" ", text)
    text = _unwrapped(text).replace("|", " ")
    masked = _ORDINAL.sub(_MASK, text)
    best: tuple[int, TablesResult, int, int] | None = None
    for start in _table3_starts(masked):
        table3, end = _read_table3(masked, text, start)
        cells = len(table3.cells)  # cells, not rows: prose that names a row reads none
        if best is None or cells > best[0]:
            best = (cells, table3, start, end)
        if cells >= TABLE3_FULL_CELLS:  # a complete reading: no other start needs trying
            break
    found: dict[int, TablesResult] = {}
    t3_start = len(text) if best is None or best[0] == 0 else best[2]
    if best is not None and best[0]:
        found[3] = best[1]
        found[4] = _read_table4(masked, best[3])
    found[2] = _read_table2(text, t3_start)
    return found
