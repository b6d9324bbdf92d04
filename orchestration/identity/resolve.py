"""Which organ published a report: an identity stable across years and spellings.

An agency is (place, unit, organ): the division of GB/T 2260 it belongs to, the township, street
or functional zone within it (if any), and the department's own name (none for a government
itself). The place comes from the division names the agency name opens with; where the name
names none, or names one that several places share (铁西区), from the region the parser found
for the report; a functional zone's place from the zone list. Names are normalised by the alias
rules first (管理委员会 → 管委会, 街道办事处 → 街道), so one organ written two ways is one key.

Correctness over coverage: an organ that cannot be placed is never merged with another report's
(its key holds the report's id), except a named functional zone, whose name is its own; such
reports are listed for review, as are likely duplicates and likely merges (review.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from orchestration.parsing import regions

from .rules import Mapping, Override

NATIONAL = "national"
UNPLACED = "unplaced"
_OWN_REPORT = UNPLACED + ":"  # an unplaced organ's place: the report's id follows
# How sure a place basis makes the identity, best first.
_BASIS_CONFIDENCE = {
    "override": "high",
    "name": "high",
    "zone_list": "high",
    NATIONAL: "high",
    "name_and_report_region": "medium",
    "report_region": "medium",
    UNPLACED: "low",
}
_BASIS_RANK = {basis: rank for rank, basis in enumerate(_BASIS_CONFIDENCE)}


@dataclass(frozen=True)
class ReportClues:
    report_id: str
    agency: str | None  # the name the parser read
    region_code: str | None  # the division the parser found for the report (title, breadcrumbs)


@dataclass(frozen=True)
class NameParts:
    """What an agency name says, after the alias rules."""

    places: tuple[str, ...]  # division names it opens with, outermost first
    generic: str | None  # a bare level word standing for the report's own place (区经信局: 区)
    unit: str | None  # township, street or functional zone
    unit_kind: str | None  # township | zone
    organ: str | None  # None: the government of the place or unit itself
    national: bool
    # Division names inside a name that opens with none (a central organ's or a bank's branch).
    inner_places: tuple[str, ...] = ()


@dataclass(frozen=True)
class Key:
    place: str  # a division code, "national", "unplaced" or "unplaced:<report id>"
    unit: str | None
    unit_kind: str | None
    organ: str | None

    @property
    def text(self) -> str:
        return f"{self.place}|{self.unit or ''}|{self.organ or ''}"

    @property
    def agency_id(self) -> str:
        return hashlib.md5(self.text.encode()).hexdigest()

    @property
    def is_division(self) -> bool:
        return self.place not in (NATIONAL, UNPLACED) and not self.place.startswith(_OWN_REPORT)


@dataclass(frozen=True)
class Assignment:
    report_id: str
    agency_id: str
    agency_key: str
    printed_name: str
    place_basis: str


@dataclass(frozen=True)
class Agency:
    agency_id: str
    agency_key: str
    canonical_name: str
    level: str
    level_basis: str
    level_confidence: str
    government_level: str | None
    place_code: str | None
    province: str | None
    city: str | None
    county: str | None
    unit: str | None
    organ: str | None
    parent_agency_id: str | None
    identity_basis: str  # rules | override
    override_note: str | None
    mapping_version: str


def _compact(name: str) -> str:
    return "".join(name.split())


def _normalised(name: str, mapping: Mapping) -> str:
    name = _compact(name)
    for pattern, replacement in mapping.aliases:
        name = pattern.sub(replacement, name)
    return name


def _unit(rest: str, mapping: Mapping) -> tuple[str | None, str | None, str]:
    """(unit, kind, what follows) of the text after the places."""
    zone = next((z for z in mapping.zone_names if rest.startswith(z)), None)
    if zone is None and (m := mapping.patterns["zone"].search(rest, 1)) and m.start() <= 12:
        zone = rest[: m.end()]
    if zone:
        return zone, "zone", rest[len(zone) :]
    # A township's own organs only (住房和城乡建设局 holds 乡 but is no township): the name
    # must end at the township word or go on with one of its organs.
    for m in mapping.patterns["township"].finditer(rest, 1):
        if m.start() > 8:
            break
        after = rest[m.end() :]
        if not after or mapping.patterns["township_organ"].search(after[-3:]) and len(after) <= 12:
            return rest[: m.end()], "township", after
    return None, None, rest


def analyse(name: str, mapping: Mapping) -> NameParts:
    name = _normalised(name, mapping)
    places, end = regions.leading_places(name)
    rest, generic = name[end:], None
    if not places and (m := mapping.patterns["generic_place"].match(rest)) and len(rest) > m.end() + 1:
        generic, rest = m.group(), rest[m.end() :]
    national = not places and not generic and bool(mapping.patterns["national"].match(rest))
    unit, kind, rest = (None, None, rest) if national else _unit(rest, mapping)
    organ = None if mapping.patterns["government"].fullmatch(rest) or not rest else rest
    inner = () if places or generic else tuple(regions.names_in(name))
    return NameParts(tuple(places), generic, unit, kind, organ, national, inner)


_GENERIC_LEVEL = {"省": "province", "市": "city", "县": "county", "区": "county", "旗": "county"}


def _place(parts: NameParts, region: str | None, mapping: Mapping) -> tuple[str, str]:
    """(place, basis) of a name."""
    # The places it opens with, else those inside it (国家税务总局平潭县税务局, 中国人民银行宣城市中心支行:
    # a branch of that place); analyse() gives inner places only to a name that opens with none.
    if named := parts.places or parts.inner_places:
        code, from_context = regions.place_code(list(named), region)
        if code:
            return code, "name_and_report_region" if from_context else "name"
    if parts.national:
        return NATIONAL, NATIONAL
    elif parts.unit_kind == "zone" and parts.unit in mapping.zones:
        return mapping.zones[parts.unit], "zone_list"
    elif region and regions.is_division(region):
        level = _GENERIC_LEVEL.get(parts.generic or "")
        if level is None or regions.division_level(region) == level:
            return region, "report_region"
    # Unplaced: never one organ with another report's, except a functional zone's, named for itself.
    return (UNPLACED if parts.unit_kind == "zone" else _OWN_REPORT), UNPLACED


def _key(parts: NameParts, place: str) -> Key:
    if parts.places and not parts.unit and not regions.is_division(place):
        # The place names stay in the key of an organ they could not place (铁西区 is in three cities).
        return Key(place, "".join(parts.places), "division", parts.organ)
    return Key(place, parts.unit, parts.unit_kind, parts.organ)


def _override_key(text: str, mapping: Mapping) -> Key:
    place, unit, organ = (text.split("|") + ["", ""])[:3]
    kind = _unit(unit, mapping)[1] if unit else None
    return Key(place, unit or None, kind or ("zone" if unit else None), organ or None)


def _override_for(printed: str, place: str, region: str | None, mapping: Mapping) -> Override | None:
    for o in mapping.overrides:
        if o.printed_name == printed and (o.region_code is None or o.region_code in (place, region)):
            return o
    return None


@lru_cache(maxsize=65536)
def _resolve_name(printed: str, region: str | None, mapping: Mapping) -> tuple[Key, str]:
    parts = analyse(printed, mapping)
    place, basis = _place(parts, region, mapping)
    override = _override_for(printed, place, region, mapping)
    if override:
        return _override_key(override.agency_key, mapping), "override"
    return _key(parts, place), basis


def resolve_report(clues: ReportClues, mapping: Mapping) -> tuple[Assignment, Key] | None:
    """The report's agency; None when the parser read no agency name."""
    printed = _compact(clues.agency or "")
    if not printed:
        return None
    region = clues.region_code or None
    key, basis = _resolve_name(printed, region, mapping)
    if key.place == _OWN_REPORT:
        key = Key(_OWN_REPORT + clues.report_id[:16], key.unit, key.unit_kind, key.organ)
    return Assignment(clues.report_id, key.agency_id, key.text, printed, basis), key


# ---------------------------------------------------------------- agencies from keys

_GOVERNMENT_WORD = {"zone": "管委会", "township": "人民政府"}


def _government_word(key: Key) -> str:
    if key.unit_kind == "township" and key.unit.endswith("街道"):
        return "办事处"
    return _GOVERNMENT_WORD.get(key.unit_kind, "人民政府")


def canonical_name(key: Key) -> str:
    """The name the key spells: 平潭县卫生局, 同江市繁荣街道办事处, 平潭综合实验区财政金融局."""
    place = regions.division_name(key.place) if key.is_division and key.unit_kind != "zone" else None
    if place and key.organ and place in key.organ:  # 国家税务总局平潭县税务局 names its place itself
        place = None
    return f"{place or ''}{key.unit or ''}{key.organ or _government_word(key)}"


def parent_key(key: Key) -> Key | None:
    """The government the organ belongs to: a department's, a township's or zone's county (or
    its place), a county's city, a city's province."""
    if key.organ is not None:
        if key.unit:
            return Key(key.place, key.unit, key.unit_kind, None)
        return Key(key.place, None, None, None) if key.is_division else None
    if not key.is_division:
        return None
    if key.unit:
        return Key(key.place, None, None, None)
    above = regions.government_above(key.place)
    return Key(above, None, None, None) if above else None


def _level(key: Key, mapping: Mapping) -> tuple[str, str, str | None]:
    """(level, how it was decided, level of the government it is or belongs to)."""
    if key.unit_kind == "township":
        owner, owner_basis = "township_street", f"{key.unit} ends in a township word"
    elif key.unit_kind == "zone":
        owner, owner_basis = "functional_zone", f"{key.unit} is a functional zone"
    elif key.unit_kind == "division":
        levels = regions.levels_named(regions.leading_places(key.unit)[0][-1])
        owner = levels.pop() if len(levels) == 1 else None
        owner_basis = f"every division named {key.unit} is a {owner}" if owner else f"{key.unit}: no single level"
    elif key.is_division:
        owner = regions.division_level(key.place)
        owner_basis = f"division {key.place} ({regions.division_name(key.place)}) is a {owner}"
    elif key.place == NATIONAL:
        owner, owner_basis = NATIONAL, "the name opens with a central-government word"
    else:
        owner, owner_basis = None, "no place"
    if key.organ is None:
        level = owner if owner in regions.LEVELS or owner in ("township_street", "functional_zone") else "other"
        return level, owner_basis, owner
    if m := mapping.patterns["other"].search(key.organ):
        return "other", f"{key.organ} names a {m.group()}, not a government department", owner
    return "department", f"{key.organ} is a department; {owner_basis}", owner


def agency_row(key: Key, basis: str, mapping: Mapping, override: Override | None = None) -> Agency:
    level, level_basis, government_level = _level(key, mapping)
    parent = parent_key(key)
    parent_id = parent.agency_id if parent else None
    if override and override.level:
        level, level_basis = override.level, f"override: {override.note}"
    if override and override.parent_key:
        parent_id = _override_key(override.parent_key, mapping).agency_id
    region = regions.region_of(key.place) if key.is_division else None
    return Agency(
        agency_id=key.agency_id,
        agency_key=key.text,
        canonical_name=canonical_name(key),
        level=level,
        level_basis=level_basis,
        level_confidence=_BASIS_CONFIDENCE[basis],
        government_level=government_level,
        place_code=key.place if key.is_division else None,
        province=region.province if region else None,
        city=region.city if region else None,
        county=region.county if region else None,
        unit=key.unit,
        organ=key.organ,
        parent_agency_id=parent_id,
        identity_basis="override" if override else "rules",
        override_note=override.note if override else None,
        mapping_version=mapping.version,
    )


@dataclass
class Resolution:
    assignments: list[Assignment]
    agencies: list[Agency]
    keys: dict[str, Key]  # agency_id → key, of every agency


def resolve(reports: Iterable[ReportClues], mapping: Mapping) -> Resolution:
    """Every report's agency, every agency those reports name, and the governments above them."""
    assignments: list[Assignment] = []
    best_basis: dict[Key, str] = {}
    for clues in reports:
        resolved = resolve_report(clues, mapping)
        if resolved is None:
            continue
        assignment, key = resolved
        assignments.append(assignment)
        known = best_basis.get(key)
        if known is None or _BASIS_RANK[assignment.place_basis] < _BASIS_RANK[known]:
            best_basis[key] = assignment.place_basis
    overrides = {_override_key(o.agency_key, mapping): o for o in mapping.overrides}
    agencies: dict[Key, Agency] = {}
    pending = list(best_basis.items())
    while pending:
        key, basis = pending.pop()
        if key in agencies:
            continue
        agencies[key] = agency_row(key, basis, mapping, overrides.get(key))
        parent = parent_key(key)
        if parent is not None and parent not in agencies:
            # A government above a reporting organ is as sure as the organ's place.
            pending.append((parent, basis))
    return Resolution(assignments, list(agencies.values()), {k.agency_id: k for k in agencies})
