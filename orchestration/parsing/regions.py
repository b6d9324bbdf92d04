"""Place names → {province, city, county, code}, from the administrative-division codes that the
`cpca` package ships (resources/adcodes.csv, GB/T 2260 codes of provinces, cities, counties).

The CSV is read straight from the installed package: importing cpca itself would pull in pandas,
and nothing here may reach the network.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
from functools import lru_cache

from .model import Region

# Names in the dataset that are also ordinary words or placeholders, never a place by themselves.
_NOT_PLACES = {"市辖区", "县", "城区", "郊区", "矿区", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_MUNICIPALITIES = {"11", "12", "31", "50"}


class _Divisions:
    def __init__(self, rows: list[tuple[str, str]]):
        self.name_of: dict[str, str] = {}
        self.codes_of: dict[str, list[str]] = {}
        for code, name in rows:
            self.name_of[code] = name
            if name not in _NOT_PLACES:
                self.codes_of.setdefault(name, []).append(code)
        # Every division name ends in one of a few characters (省市区县旗州盟…): only the text
        # before those is looked up, which is far cheaper than one 3,500-way alternation, and
        # only for the lengths of the names with that last character, longest first.
        lengths: dict[str, set[int]] = {}
        for n in self.codes_of:
            lengths.setdefault(n[-1], set()).add(len(n))
        self.lengths_ending = {end: sorted(ls, reverse=True) for end, ls in lengths.items()}
        self.ends = re.compile("[" + "".join(sorted(lengths)) + "]")
        self.prefix_lengths = sorted({len(n) for n in self.codes_of}, reverse=True)

    def names_in(self, text: str) -> list[str]:
        """Names in reading order; at each end the longest name wins (内蒙古自治区, not 自治区)."""
        found: list[str] = []
        last_end = 0
        for m in self.ends.finditer(text):
            end = m.end()
            for length in self.lengths_ending[m[0]]:
                start = end - length
                if start >= last_end and text[start:end] in self.codes_of:
                    found.append(text[start:end])
                    last_end = end
                    break
        return found


@lru_cache(maxsize=1)
def _divisions() -> _Divisions:
    spec = importlib.util.find_spec("cpca")
    path = os.path.join(spec.submodule_search_locations[0], "resources", "adcodes.csv")
    with open(path, encoding="utf-8") as f:
        rows = [(row[0][:6], row[1]) for row in csv.reader(f) if row and row[0].isdigit()]
    return _Divisions(rows)


def _level(code: str) -> int:
    """0 province, 1 city, 2 county."""
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def _region(code: str) -> Region:
    names = _divisions().name_of
    level = _level(code)
    province = names.get(code[:2] + "0000")
    city = names.get(code[:4] + "00") if level >= 1 else None
    if city in _NOT_PLACES:  # 市辖区 of a municipality is the municipality; 省直辖 counties have no city
        city = province if code[:2] in _MUNICIPALITIES else None
    return Region(
        province=province,
        city=city,
        county=names[code] if level == 2 else None,
        code=code,
    )


def _compatible(a: str, b: str) -> bool:
    """One division lies within the other (or they are the same)."""
    la, lb = _level(a), _level(b)
    short = (la, a) if la <= lb else (lb, b)
    prefix = short[1][: (short[0] + 1) * 2]
    return a.startswith(prefix) and b.startswith(prefix)


def find_region(texts: list[str]) -> Region | None:
    """The most specific division named in `texts` (title, agency, metadata lines: most telling
    first), or None when nothing is named or a name stays ambiguous (铁西区 is in three cities)."""
    divisions = _divisions()
    mentioned: list[list[str]] = []
    for text in texts:
        mentioned.extend(divisions.codes_of[name] for name in divisions.names_in(text))
    if not mentioned:
        return None
    unique = {codes[0] for codes in mentioned if len(codes) == 1}
    resolved: list[str] = []
    for codes in mentioned:
        fitting = [c for c in codes if all(_compatible(c, u) for u in unique)] if len(codes) > 1 else codes
        if len(fitting) == 1 and fitting[0] not in resolved:
            resolved.append(fitting[0])
    if not resolved:
        return None
    # Two different divisions at the deepest level, or a county outside the city named beside
    # it, leave the place ambiguous.
    deepest = {c for c in resolved if _level(c) == max(map(_level, resolved))}
    if len(deepest) > 1:
        return None
    best = deepest.pop()
    if not all(_compatible(best, c) for c in resolved):
        return None
    return _region(best)


# ---------------------------------------------------------------- divisions of an organ's name

LEVELS = ("province", "city", "county")


def leading_places(text: str) -> tuple[list[str], int]:
    """The division names `text` opens with, one after another ('鞍山市铁西区…': 鞍山市, 铁西区),
    the longest at each step, and where they end."""
    divisions = _divisions()
    names: list[str] = []
    pos = 0
    while True:
        name = next(
            (
                text[pos : pos + length]
                for length in divisions.prefix_lengths
                if text[pos : pos + length] in divisions.codes_of
            ),
            None,
        )
        if name is None:
            return names, pos
        names.append(name)
        pos += len(name)


def place_code(names: list[str], context: str | None = None) -> tuple[str | None, bool]:
    """The division `names` (outermost first) designate together, and whether `context` (a code
    from elsewhere in the report) was needed to tell which of several places of that name:
    (None, False) when they name none or stay ambiguous (铁西区 is in three cities)."""
    divisions = _divisions()
    fitting = [""]  # the codes consistent with every name so far
    for name in names:
        fitting = [c for c in divisions.codes_of[name] if any(not f or _compatible(c, f) for f in fitting)]
        if not fitting:
            return None, False
    deepest = max(map(_level, fitting))
    fitting = [c for c in fitting if _level(c) == deepest]
    if len(fitting) == 1:
        return fitting[0], False
    if context:
        fitting = [c for c in fitting if _compatible(c, context)]
        if len(fitting) == 1:
            return fitting[0], True
    return None, False


def division_level(code: str) -> str:
    """province, city or county, by the code (a municipality is a province)."""
    return LEVELS[_level(code)]


def division_name(code: str) -> str | None:
    return _divisions().name_of.get(code)


def is_division(code: str) -> bool:
    return code in _divisions().name_of


def government_above(code: str) -> str | None:
    """The division whose government a division's government answers to: a county's city (a
    municipality's district: the municipality; a county the province governs directly: the
    province), a city's province, none above a province."""
    level = _level(code)
    if level == 0:
        return None
    names = _divisions().name_of
    city = code[:4] + "00"
    if level == 2 and names.get(city) not in (None, *_NOT_PLACES):
        return city
    return code[:2] + "0000"


def divisions() -> list[tuple[str, str, str, str | None]]:
    """Every province, city and county of the dataset as (code, name, level, code of the division
    whose government is above it), without the dataset's placeholders (市辖区, 省直辖县级行政区划)."""
    names = _divisions().name_of
    return [
        (code, name, division_level(code), government_above(code))
        for code, name in sorted(names.items())
        if name not in _NOT_PLACES
    ]


def region_of(code: str) -> Region:
    return _region(code)


def compatible(a: str, b: str) -> bool:
    return _compatible(a, b)


def names_in(text: str) -> list[str]:
    return _divisions().names_in(text)


def levels_named(name: str) -> set[str]:
    """The levels of every division of that name (铁西区: county, in all three of its cities)."""
    return {division_level(c) for c in _divisions().codes_of.get(name, ())}
