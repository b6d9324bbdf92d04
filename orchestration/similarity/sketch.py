"""A section's prose → its shingles → a one-permutation MinHash sketch, all in numpy.

Text is normalised first: punctuation and spaces dropped, every run of digits one "0" (a copy
that prints this year's numbers is still a copy). Shingles are the runs of SHINGLE characters
that remain, hashed by a rolling polynomial over the code points and a 64-bit mixer (vectorised:
a per-shingle Python call would cost ~1 µs each, 2,000 a report). The stock phrases every report
prints (boilerplate.txt: the regulation's sentences, the section headings, the table labels) are
removed. The sketch keeps, in each of BINS bins chosen by a shingle hash's top bits, the smallest
low 32 bits (one-permutation hashing: one hash a shingle instead of one per bin); a bin no shingle
fell in holds EMPTY. Sketches of two sections share bins, so the elementwise minimum of a
report's section sketches is the sketch of their union.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np

from orchestration.parsing import codes

SHINGLE = 5  # characters: 4-character words (政府信息, 公开工作) are in every report
BIN_BITS = 6
BINS = 1 << BIN_BITS
EMPTY = np.uint32(0xFFFFFFFF)
# The sections compared: 一 (总体情况), 二 (主动公开: its prose; its Table 2 labels are stock
# phrases), 五 and 六. 三 and 四 are Table 3 and 4 and the sentence that heads them, nothing an
# organ writes.
PROSE_SECTIONS = (1, 2, 5, 6)

_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_MULTIPLIER = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)


def normalise(text: str) -> str:
    return _DIGITS.sub("0", _NOT_WORD.sub("", text))


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit (uint64 wraps)."""
    h = (h ^ (h >> np.uint64(30))) * _MIX1
    h = (h ^ (h >> np.uint64(27))) * _MIX2
    return h ^ (h >> np.uint64(31))


def _hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The 64-bit hashes of the normalised texts' shingles and the text each came from, for
    many texts at once: one rolling hash over the texts end to end, the shingles that straddle
    two texts left out (numpy calls per text would cost more than the hashing)."""
    chars = [normalise(t) for t in texts]
    lengths = np.fromiter(map(len, chars), np.int64, len(chars))
    total = int(lengths.sum())
    n = total - SHINGLE + 1
    if n <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    points = np.frombuffer("".join(chars).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, np.uint64)
    for offset in range(SHINGLE):
        h = h * _MULTIPLIER + points[offset : offset + n]
    owner = np.repeat(np.arange(len(chars)), lengths)[:n]
    ends = np.cumsum(lengths)
    within = np.arange(n) + SHINGLE <= ends[owner]
    return _mix(h[within]), owner[within]


def _table2_phrases() -> list[str]:
    """Table 2 as printed, label after label with a number after each row, per layout."""
    phrases = []
    for block in codes.TABLE2_BLOCKS:
        header = "".join(label for _, label in block.columns)
        rows = "".join(f"{label}0" * len(block.columns) for _, label in block.rows)
        phrases += [f"{block.item}信息内容{header}{rows}", f"{block.item}{header}{rows}"]
    return phrases


@cache
def boilerplate() -> np.ndarray:
    """The shingle hashes of the stock phrases, sorted."""
    lines = (Path(__file__).with_name("boilerplate.txt")).read_text(encoding="utf-8").splitlines()
    phrases = [line for line in lines if line and not line.startswith("#")]
    phrases += [label for records in (codes.TABLE2_ROWS, codes.TABLE2_COLUMNS) for label in (r.label for r in records)]
    phrases += _table2_phrases()
    return np.unique(_hashes(phrases)[0])


def sketches(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The one-permutation MinHash of each text's shingles, the stock phrases' left out
    ((len(texts), BINS) uint32), and how many distinct shingles each had."""
    out = np.full((len(texts), BINS), EMPTY, np.uint32)
    h, owner = _hashes(texts)
    stock = boilerplate()
    at = np.minimum(np.searchsorted(stock, h), len(stock) - 1)
    keep = stock[at] != h
    h, owner = h[keep], owner[keep].astype(np.uint64)
    # Sorted by (text, bin, low 32 bits): the first of each (text, bin) is its minimum.
    bins = h >> np.uint64(64 - BIN_BITS)
    keys = np.sort((owner << np.uint64(38)) | (bins << np.uint64(32)) | (h & _LOW32))
    distinct = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.empty(0, bool)
    counts = np.bincount((keys[distinct] >> np.uint64(38)).astype(np.intp), minlength=len(texts))
    cell = keys >> np.uint64(32)
    first = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if len(keys) else np.empty(0, np.intp)
    rows = (keys[first] >> np.uint64(38)).astype(np.intp)
    columns = ((keys[first] >> np.uint64(32)) & np.uint64(BINS - 1)).astype(np.intp)
    # A true value of 0xFFFFFFFF would read as empty: one in four billion, taken as 0xFFFFFFFE.
    out[rows, columns] = np.minimum(keys[first] & _LOW32, np.uint64(0xFFFFFFFE)).astype(np.uint32)
    return out, counts
