"""What a person should settle with an override (dbt_project/seeds/agency_overrides.csv):

- likely_duplicate: two agencies that may be one organ — the same unit and organ at places one
  of which lies within the other (a report that gave only its province), or similar organ names
  at the same place and unit (市场监督管理局 / 市场监管局);
- likely_merge: one agency whose reports the parser placed in divisions that exclude each other;
- unplaced: an agency no clue could place, so its reports stand alone.

An agency an override names (agency_overrides.csv, even to its own key) counts as settled.

Compared within blocks (same place and unit; same unit and organ), never all pairs: 100,000
reports name a few thousand organs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from orchestration.parsing import regions

from .resolve import Assignment, Key, Resolution

# Names at least this similar (rapidfuzz ratio, 0-100) at one place and unit are listed.
SIMILAR_NAMES = 80
_BLOCK_MAX = 400  # organs of one place and unit compared pairwise; a bigger block is cut


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    agency_id: str
    other_agency_id: str | None
    similarity: float | None
    detail: str


def _reported(resolution: Resolution) -> dict[str, Key]:
    ids = {a.agency_id for a in resolution.assignments}
    return {i: k for i, k in resolution.keys.items() if i in ids}


def _duplicates(keys: dict[str, Key]) -> list[ReviewItem]:
    items: list[ReviewItem] = []
    by_unit_organ: dict[tuple, list[tuple[str, Key]]] = defaultdict(list)
    by_place_unit: dict[tuple, list[tuple[str, Key]]] = defaultdict(list)
    for agency_id, key in sorted(keys.items(), key=lambda kv: kv[1].text):
        by_unit_organ[(key.unit, key.organ)].append((agency_id, key))
        by_place_unit[(key.place, key.unit)].append((agency_id, key))
    for (_, organ), block in by_unit_organ.items():
        for (a, ka), (b, kb) in combinations(block[:_BLOCK_MAX], 2):
            if ka.is_division and kb.is_division and regions.compatible(ka.place, kb.place):
                what = organ or "the government"
                items.append(
                    ReviewItem(
                        "likely_duplicate",
                        a,
                        b,
                        1.0,
                        f"{what} at {ka.place} and at {kb.place}, one within the other: one organ whose "
                        "report named only the wider place?",
                    )
                )
    for block in by_place_unit.values():
        organs = [(i, k) for i, k in block[:_BLOCK_MAX] if k.organ and k.is_division]
        for (a, ka), (b, kb) in combinations(organs, 2):
            score = fuzz.ratio(ka.organ, kb.organ, score_cutoff=SIMILAR_NAMES)
            if score:
                items.append(
                    ReviewItem(
                        "likely_duplicate",
                        a,
                        b,
                        round(score / 100, 3),
                        f"{ka.organ} and {kb.organ} at {ka.place}: two spellings of one organ?",
                    )
                )
    return items


def _merges(assignments: Iterable[Assignment], regions_of: dict[str, str | None]) -> list[ReviewItem]:
    placed: dict[str, set[str]] = defaultdict(set)
    for a in assignments:
        if region := regions_of.get(a.report_id):
            placed[a.agency_id].add(region)
    items = []
    for agency_id, codes in sorted(placed.items()):
        clash = sorted({tuple(sorted(pair)) for pair in combinations(codes, 2) if not regions.compatible(*pair)})
        if clash:
            a, b = clash[0]
            items.append(
                ReviewItem(
                    "likely_merge",
                    agency_id,
                    None,
                    None,
                    f"its reports lie in {a} and {b}, which exclude each other: two organs of one name? "
                    f"({len(clash)} such pair(s))",
                )
            )
    return items


def review(resolution: Resolution, report_regions: dict[str, str | None]) -> list[ReviewItem]:
    """`report_regions`: report id → the region code the parser found for it."""
    keys = _reported(resolution)
    items = _duplicates(keys)
    items += _merges(resolution.assignments, report_regions)
    items += [
        ReviewItem("unplaced", agency_id, None, None, "no clue placed this organ: its reports stand alone")
        for agency_id, key in sorted(keys.items(), key=lambda kv: kv[1].text)
        if not key.is_division and key.place != "national"
    ]
    # An agency a person settled (an override names its key) is not asked about again.
    settled = {a.agency_id for a in resolution.agencies if a.identity_basis == "override"}
    return [i for i in items if i.agency_id not in settled and i.other_agency_id not in settled]
