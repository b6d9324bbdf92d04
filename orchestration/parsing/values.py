"""Reading one table cell's text: a number, a "not filled" marker, or not a value at all."""

from __future__ import annotations

import re
from functools import lru_cache

# No count in a report has this many digits, nor has a run of glued cells: the widest, Table 4
# glued whole, is 15 cells of at most 9 digits. A longer run is no number (int() even refuses
# runs over 4,300 digits).
MAX_DIGITS = 200

# What reports write for "not filled"; kept apart from a real 0.
NULL_MARKERS = frozenset({"", "/", "\\", "—", "——", "–", "-", "--", "−", "无"})

# A number as written: optional sign, thousands separators or plain digits, optional decimals,
# optional unit. The unit is tolerated (and kept in raw) because reports write "251000元".
_NUMBER = re.compile(
    r"(?P<sign>[+\-−]?)(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<unit>万元|元|件|个|条|项|次|人次)?"
)
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")


# Cell texts repeat heavily ("0", "/", the same labels): caching keeps text reading linear-cheap.
_cached = lru_cache(maxsize=8192)


@_cached
def is_null_marker(raw: str) -> bool:
    return _SPACE.sub("", raw) in NULL_MARKERS


@_cached
def parse_number(raw: str) -> int | float | None:
    """The number a cell holds as written (int unless it has decimals), or None if the text is
    not a number. Never called on null markers' text for a value: see is_null_marker."""
    m = _NUMBER.fullmatch(_SPACE.sub("", raw))
    if m is None:
        return None
    digits = m["num"].replace(",", "")
    if len(digits) > MAX_DIGITS:  # "1 1 1 …" of a cell, its spaces gone
        return None
    negative = m["sign"] in ("-", "−")
    if m["frac"]:
        value: int | float = float(digits + m["frac"])
    else:
        value = int(digits)
    return -value if negative else value


@_cached
def is_value(raw: str) -> bool:
    """True for cell text that is a number or a not-filled marker (i.e. not a label)."""
    return is_null_marker(raw) or parse_number(raw) is not None


def is_digit_run(raw: str) -> bool:
    """Bare digits with nothing else: the only text a glued run can be."""
    return _DIGITS.fullmatch(raw) is not None
