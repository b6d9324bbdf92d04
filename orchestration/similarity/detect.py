"""Which report is most like each: its agency's report of the previous year, and the closest
report of another agency in the same year, from the section sketches (sketch.py) alone.

Similarity is the estimated Jaccard similarity of two reports' prose shingles: of the bins where
the smaller of the two minima is a real shingle, the share where both minima are equal. A bin
whose minimum is a stock phrase does not count: a value that more than DF_SHARE of a year's
report sections (and at least DF_MIN of them) hold in a bin is the minimum of a phrase most
reports print, so it is treated as boilerplate (a document-frequency cut, read off the sketches
themselves: nothing but the sketches is stored). Empty bins do not count either, and an estimate
resting on fewer than MIN_BINS bins is none (the reports are too little their own to tell).

Candidates of the same year come from LSH banding: BANDS bands of ROWS bins of the densified
sketch (a bin that does not count borrows the next one's value); reports whose bins of a band
are all equal share its bucket. A bucket holds at most
BUCKET_CAP reports (the first by report order); a bigger one is cut, counted and flagged on its
reports. So candidate pairs number at most BANDS · BUCKET_CAP² / 2 per bucket, never n².
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from orchestration.parsing.sections import NUMERALS

from .sketch import BINS, EMPTY, PROSE_SECTIONS

METHOD = "oph-minhash-64/shingle-5/lsh-21x3/v1"
ROWS = 3
BANDS = BINS // ROWS  # 21 bands of 3 bins: a pair with similarity 0.5 shares one with p = 0.94, at 0.3 p = 0.43
BUCKET_CAP = 50
DF_SHARE = 0.01
DF_MIN = 10
ALIKE = 0.5  # a section at least this similar is named among the sections alike
# Bins an estimate must rest on (of 64): with fewer, one shared phrase reads as a copy. A
# section is smaller than the report, so it may rest on fewer.
MIN_BINS = 8
MIN_SECTION_BINS = 4
_PAIR_CHUNK = 50_000  # pairs scored at a time: (chunk × bins) arrays of about 10 MB

_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class Reports:
    """The reports compared, row i of every array one report."""

    ids: list[str]
    years: np.ndarray  # int
    agencies: np.ndarray  # int; an agency unknown is its report's own (never equal to another's)
    sections: np.ndarray  # (n, len(PROSE_SECTIONS), BINS) uint32, EMPTY where a section is missing


@dataclass
class Match:
    report: int
    relation: str  # previous_year | same_year_other_agency
    other: int | None
    similarity: float | None
    per_section: dict[int, float | None] = field(default_factory=dict)
    bins: int = 0
    truncated: bool = False

    @property
    def sections_alike(self) -> str | None:
        alike = [NUMERALS[s - 1] for s, value in self.per_section.items() if value is not None and value >= ALIKE]
        return ",".join(alike) or None


@dataclass
class Result:
    matches: list[Match]
    pairs: int  # candidate pairs scored (same year, other agency), and previous-year pairs
    truncated_buckets: int
    seconds: dict[str, float] = field(default_factory=dict)  # banding, candidates


def boilerplate_bins(reports: Reports) -> np.ndarray:
    """(n, sections, BINS) bool: the bin's minimum is a stock phrase of the year (or the bin is
    empty). Year by year, so the sort that counts the values stays a year's size."""
    flagged = np.ones(reports.sections.shape, bool)
    bin_keys = np.arange(BINS, dtype=np.uint64) << np.uint64(32)
    for year in np.unique(reports.years):
        rows = np.flatnonzero(reports.years == year)
        sections = reports.sections[rows]
        filled = sections != EMPTY
        keys = (sections.astype(np.uint64) | bin_keys)[filled]
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        cap = max(DF_MIN, np.ceil(DF_SHARE * filled.any(axis=2).sum()))
        year_flags = np.ones(sections.shape, bool)
        year_flags[filled] = counts[inverse.ravel()] > cap
        flagged[rows] = year_flags
    return flagged


def _union(reports: Reports, invalid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each report's sketch of all its prose sections and which of its bins do not count."""
    which = reports.sections.argmin(axis=1)
    values = np.take_along_axis(reports.sections, which[:, None, :], axis=1)[:, 0, :]
    return values, np.take_along_axis(invalid, which[:, None, :], axis=1)[:, 0, :]


def similarity(
    values: np.ndarray, invalid: np.ndarray, i: np.ndarray, j: np.ndarray, min_bins: int = MIN_BINS
) -> tuple[np.ndarray, np.ndarray]:
    """The estimated Jaccard similarity of report pairs (i, j) and the bins it rests on; NaN
    where fewer than `min_bins` bins count (too little of their prose is their own to tell).
    The smaller minimum of a bin is the minimum of the union: it counts when it is a real
    shingle, and the pair agrees there when both hold it."""
    a, b = values[i], values[j]
    union_invalid = np.where(a <= b, invalid[i], invalid[j])
    counted = (~union_invalid).sum(axis=1)
    equal = ((a == b) & ~union_invalid).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counted >= max(min_bins, 1), equal / counted, np.nan), counted


def _densified(values: np.ndarray, invalid: np.ndarray) -> np.ndarray:
    """The sketches as LSH reads them (uint64): a bin that does not count takes the value of the
    next bin that does (circularly), marked with how far it borrowed (rotation densification,
    Shrivastava and Li 2014), so a report mostly made of stock phrases still has full bands and
    two equal sets still agree bin for bin. A report with no bin that counts gets values no other
    report has: it never shares a bucket."""
    n = len(values)
    positions = np.arange(BINS)
    ahead = np.where(invalid, 2 * BINS, positions)
    ahead = np.concatenate([ahead, np.where(invalid, 2 * BINS, positions + BINS)], axis=1)
    source = np.minimum.accumulate(ahead[:, ::-1], axis=1)[:, ::-1][:, :BINS]  # next bin that counts
    none = source >= 2 * BINS
    rows = np.arange(n)[:, None]
    borrowed = values[rows, np.where(none, 0, source % BINS)].astype(np.uint64)
    distance = (np.where(none, 0, source) - positions).astype(np.uint64)
    dense = borrowed | (distance << np.uint64(32))
    unique = (np.arange(n, dtype=np.uint64)[:, None] << np.uint64(8)) + positions.astype(np.uint64)
    return np.where(none, unique | np.uint64(1 << 63), dense)


def _buckets(values: np.ndarray, invalid: np.ndarray, years: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, int]:
    """The LSH buckets of two reports or more (members sorted, at most BUCKET_CAP), per report
    whether one of its buckets was cut, and how many were."""
    n = len(values)
    v = _densified(values, invalid)[:, : BANDS * ROWS].reshape(n, BANDS, ROWS)
    key = np.zeros((n, BANDS), np.uint64)
    for r in range(ROWS):
        key = (key ^ v[:, :, r]) * _MIX
        key ^= key >> np.uint64(29)
    key ^= (np.arange(BANDS, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93))[None, :]
    key ^= years.astype(np.uint64)[:, None] * np.uint64(0xA0761D6478BD642F)
    flat = key.ravel()
    order = np.argsort(flat, kind="stable")
    sorted_keys = flat[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(flat)])
    members = order // BANDS
    truncated = np.zeros(n, bool)
    buckets = []
    cut = 0
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
        bucket = members[start : start + size]
        if size > BUCKET_CAP:
            truncated[bucket] = True
            bucket = bucket[:BUCKET_CAP]
            cut += 1
        buckets.append(bucket)
    return buckets, truncated, cut


def _pairs(buckets: list[np.ndarray], agencies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs (i < j) of reports of different agencies that share a bucket: the
    buckets of one size stacked, so each size's pairs are one indexing."""
    n = np.int64(len(agencies))
    by_size: dict[int, list[np.ndarray]] = defaultdict(list)
    for bucket in buckets:
        by_size[len(bucket)].append(bucket)
    parts = []
    for size, same in by_size.items():
        stacked = np.stack(same)
        first, second = np.triu_indices(size, k=1)
        parts.append((stacked[:, first] * n + stacked[:, second]).ravel())
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    codes = np.sort(np.concatenate(parts))
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    i, j = codes // n, codes % n
    keep = agencies[i] != agencies[j]
    return i[keep], j[keep]


def _scored(values, invalid, i, j, min_bins: int = MIN_BINS) -> tuple[np.ndarray, np.ndarray]:
    sims, bins = [], []
    for start in range(0, len(i), _PAIR_CHUNK):
        chunk = slice(start, start + _PAIR_CHUNK)
        s, c = similarity(values, invalid, i[chunk], j[chunk], min_bins)
        sims.append(s)
        bins.append(c)
    if not sims:
        return np.empty(0), np.empty(0, np.int64)
    return np.concatenate(sims), np.concatenate(bins)


def _best(i: np.ndarray, j: np.ndarray, sims: np.ndarray) -> dict[int, tuple[int, float]]:
    """Per report, its most similar partner (the first such on ties)."""
    report = np.concatenate([i, j])
    other = np.concatenate([j, i])
    score = np.nan_to_num(np.concatenate([sims, sims]), nan=-1.0)
    # One sort on (report, descending score): similarities have 4 decimals at most that matter.
    rank = np.round((1.0 - score) * 1e6).astype(np.int64)  # 0 (similarity 1) … 2e6 (no bin counted)
    order = np.argsort(report * np.int64(1 << 22) + rank, kind="stable")
    report, other, score = report[order], other[order], score[order]
    first = np.flatnonzero(np.r_[True, report[1:] != report[:-1]]) if len(report) else np.empty(0, np.intp)
    return dict(zip(report[first].tolist(), zip(other[first].tolist(), score[first].tolist())))


def _rounded(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else round(v, 4) for v in values.tolist()]


def detect(reports: Reports) -> Result:
    started = time.perf_counter()
    n = len(reports.ids)
    invalid = boilerplate_bins(reports)
    values, union_invalid = _union(reports, invalid)
    buckets, truncated, cut = _buckets(values, union_invalid, reports.years)
    banded = time.perf_counter()
    i, j = _pairs(buckets, reports.agencies)
    sims, _ = _scored(values, union_invalid, i, j)
    same_year = _best(i, j, sims)

    by_agency_year: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, key in enumerate(zip(reports.agencies.tolist(), reports.years.tolist())):
        by_agency_year[key].append(k)
    pairs = [
        (k, p)
        for (agency, year), ks in by_agency_year.items()
        for p in by_agency_year.get((agency, year - 1), ())
        for k in ks
    ]
    pi = np.array([k for k, _ in pairs], np.int64)
    pj = np.array([p for _, p in pairs], np.int64)
    previous = _best_of(pi, pj, _scored(values, union_invalid, pi, pj)[0])

    # The pairs kept, scored once more with the bins they rest on and section by section.
    kept = [(k, "previous_year", previous.get(k)) for k in range(n)]
    kept += [(k, "same_year_other_agency", same_year.get(k, (None,))[0]) for k in range(n)]
    found = [(k, other) for k, _, other in kept if other is not None]
    a = np.array([k for k, _ in found], np.int64)
    b = np.array([other for _, other in found], np.int64)
    sim, bins = _scored(values, union_invalid, a, b)
    per_section = {
        number: _rounded(_scored(reports.sections[:, s, :], invalid[:, s, :], a, b, MIN_SECTION_BINS)[0])
        for s, number in enumerate(PROSE_SECTIONS)
    }
    figures = iter(zip(_rounded(sim), bins.tolist(), zip(*per_section.values())))
    matches = []
    for k, relation, other in kept:
        truncated_k = bool(truncated[k]) and relation == "same_year_other_agency"
        if other is None:
            matches.append(Match(k, relation, None, None, truncated=truncated_k))
            continue
        value, counted, sections = next(figures)
        matches.append(Match(k, relation, other, value, dict(zip(PROSE_SECTIONS, sections)), counted, truncated_k))
    seconds = {"banding": banded - started, "candidates": time.perf_counter() - banded}
    return Result(matches, len(i) + len(pi), cut, seconds)


def _best_of(i: np.ndarray, j: np.ndarray, sims: np.ndarray) -> dict[int, int]:
    """Per report i, its most similar j (the first such on ties)."""
    best: dict[int, tuple[int, float]] = {}
    for k, p, s in zip(i.tolist(), j.tolist(), np.nan_to_num(sims, nan=-1.0).tolist()):
        if k not in best or s > best[k][1]:
            best[k] = (p, s)
    return {k: p for k, (p, _) in best.items()}
