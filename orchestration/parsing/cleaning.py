"""Decoded text → clean simplified text: mojibake repair, pinyin removal, NFKC,
traditional→simplified, page chrome removal.

`Cleaned.lines` (before chrome removal) is what metadata is read from: chrome carries the
publish date, the publishing organ and the breadcrumb's place names.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from .values import MAX_DIGITS

LOST = "\ufffd"  # stands for a character whose bytes the source lost


@dataclass
class Cleaned:
    lines: list[str]  # normalised and simplified lines, chrome still in
    text: str  # the cleaned text: lines without chrome, joined by "\n"
    script: str  # "simplified" | "traditional", of the source
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- GBK byte-shift mojibake

# Characters of GBK's symbol rows that a one-byte shift of Chinese text produces and that real
# Chinese prose next to hanzi does not carry: bopomofo, box drawing, ideographic description
# characters, Greek/Cyrillic/kana, accented latin.
_SHIFT_SIGNS = "\u3105-\u3129\u2500-\u257f\u2ff0-\u2ffb\u0391-\u03c9\u0401-\u0451\u3041-\u30ff\u00c0-\u01dc"
# Circled / parenthesised numbers are shift products too, but also legitimate list markers:
# repaired when a shift explains them, never flagged on their own.
_SHIFT_SOFT = "\u2460-\u249b"
# A whole run of non-ASCII, non-space characters holding a sign. The look-behind lets a match
# start only where a run starts: tried inside a run without a sign, the leading repeat would scan
# to the run's end from every position (quadratic; 178 s on a 300 KB run).
_MOJIBAKE_RUN = re.compile(rf"(?<![^\x00-\x7f\s])[^\x00-\x7f\s]*[{_SHIFT_SIGNS}{_SHIFT_SOFT}][^\x00-\x7f\s]*")
_SIGN = re.compile(rf"[{_SHIFT_SIGNS}]")
_ANY_SIGN = re.compile(rf"[{_SHIFT_SIGNS}{_SHIFT_SOFT}]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff（）、，。：；！？“”《》]+")
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# Pinyin syllables: latin letters, at least one of them toned. The part before the first tone
# mark holds none, so a long toned run without a closing bracket is tried once, not in every split.
_TONED_SYLLABLES = rf"[a-z]*[{_TONE_VOWELS}][a-z{_TONE_VOWELS}]*"
# A latin letter or symbol glued to a pinyin annotation is the trail byte of a character whose
# lead byte was lost (seed 003: "F(xiàn)" is 現 = AC 46 without AC).
_ORPHAN_TRAIL = re.compile(rf"(?<![A-Za-z0-9])[!-'*-~](?=\({_TONED_SYLLABLES}\))")


def _unshift(run: str, known: set[str]) -> str | None:
    """The run decoded one byte later, if that reads as this document's Chinese (every hanzi it
    yields occurs elsewhere in the document: a wrong shift yields stray characters); the
    dangling last byte becomes LOST."""
    first = _ANY_SIGN.search(run).start()
    for start in (first - 1, first, first - 2):
        if start < 0:
            continue
        try:
            raw = run[start:].encode("gb18030")[1:]
        except UnicodeEncodeError:
            return None
        dangling = len(raw) % 2
        try:
            decoded = raw[: len(raw) - dangling].decode("gbk")
        except UnicodeDecodeError:
            continue
        if _PLAUSIBLE.fullmatch(decoded) and known.issuperset(_HAN.findall(decoded)):
            return run[:start] + decoded + (LOST if dangling else "")
    return None


def repair_mojibake(text: str) -> tuple[str, bool, bool]:
    """→ (text, something was repaired, something is still broken).

    Runs that no shift explains keep their hanzi, but their shift symbols become LOST: NFKC would
    turn ⒓ into "11." and put digits in the text that the source never had."""
    if not _ANY_SIGN.search(text):
        return text, False, False
    known = set(_HAN.findall(_MOJIBAKE_RUN.sub("", text)))
    repaired = broken = False

    def fix(m: re.Match) -> str:
        nonlocal repaired, broken
        run = m.group()
        if not _HAN.search(run):
            return run
        fixed = _unshift(run, known)
        if fixed is None:
            if not _SIGN.search(run):
                return run  # circled numbers beside hanzi: ordinary list markers
            broken = True
            return _ANY_SIGN.sub(LOST, run)
        repaired = True
        broken = broken or LOST in fixed
        return fixed

    text = _MOJIBAKE_RUN.sub(fix, text)
    text, orphans = _ORPHAN_TRAIL.subn(LOST, text)
    return text, repaired, broken or orphans > 0


# ---------------------------------------------------------------- digit runs

# A run of more digits than values.MAX_DIGITS is no number and becomes LOST, so nothing
# downstream reads one (int() refuses runs over 4,300 digits, and a pattern that tries a run
# from each of its digits costs its length squared).
_LONG_DIGIT_RUN = re.compile(rf"(?<!\d)\d{{{MAX_DIGITS + 1},}}")
# Such a run covers 8 consecutive characters of every 25th of the text: a look at those (a 25th
# of the text) spares almost every text the full scan.
_PROBE_STEP = (MAX_DIGITS + 1) // 8
_PROBE = re.compile(r"\d{8}")


def drop_long_digit_runs(text: str) -> tuple[str, bool]:
    if _PROBE.search(text[::_PROBE_STEP]) is None:
        return text, False
    text, n = _LONG_DIGIT_RUN.subn(LOST, text)
    return text, n > 0


# ---------------------------------------------------------------- pinyin, NFKC, script

# Pinyin with tone marks in brackets right after a hanzi (區(qū)); bare latin such as "(PDF)" stays.
_PINYIN = re.compile(rf"(?<=[\u4e00-\u9fff{LOST}])[(（]{_TONED_SYLLABLES}[)）]")


# The pattern opens with a look-behind, so the regex engine tries it at every character; a
# scan for a tone mark, which it cannot match without, is several times cheaper.
_TONE_MARK = re.compile(f"[{_TONE_VOWELS}]")


def remove_pinyin(text: str) -> tuple[str, bool]:
    if _TONE_MARK.search(text) is None:
        return text, False
    text, n = _PINYIN.subn("", text)
    return text, n > 0


# Characters NFKC leaves as they are, that are starters and never the second of a composed pair:
# printable ASCII, newline, — ‘ ’ “ ”, CJK punctuation 、。〃〈…〕 and the unified ideographs,
# most of a report. NFKC costs ~75 ns a character in C (decomposing and recomposing every one), so only
# the stretches of other characters are normalised, each with the character before it, the
# starter a combining mark in it could compose with.
_NFKC_STABLE = "\n -~\u2014\u2018-\u201d\u3001-\u3003\u3008-\u3015\u4e00-\u9fff"
_NFKC_OTHER = re.compile(f"[^{_NFKC_STABLE}]")
_NFKC_STRETCH = re.compile(f"[\\s\\S]?[^{_NFKC_STABLE}]+")


def _normalised(m: re.Match) -> str:
    return unicodedata.normalize("NFKC", m[0])


# What reports hold most of the characters NFKC changes, each to one ASCII character that
# composes with nothing: replaced first at memchr speed, so few stretches are left to normalise.
_NFKC_COMMON = {c: unicodedata.normalize("NFKC", c) for c in "（）：，；！？．０１２３４５６７８９\u3000\u00a0"}


def nfkc(text: str) -> tuple[str, bool]:
    if unicodedata.is_normalized("NFKC", text):
        return text, False
    for char, ascii_form in _NFKC_COMMON.items():
        if char in text:
            text = text.replace(char, ascii_form)
    # A scan for one character is several times cheaper than the stretch pattern's.
    if _NFKC_OTHER.search(text) is None:
        return text, True
    return _NFKC_STRETCH.sub(_normalised, text), True


# Frequent characters that exist only in one script; counting them decides the script without
# converting the text.
_TRADITIONAL_ONLY = re.compile(
    "[們個這說與為國會發開關學經來時對於過資區處實現進體機報設務據總縣辦級點應請門內從將與後產業專業問題動態專類單區鄉鎮]"
)
_SIMPLIFIED_ONLY = re.compile(
    "[们个这说与为国会发开关学经来时对于过资区处实现进体机报设务据总县办级点应请门内从将后产业专问题动态类单乡镇]"
)


def detect_script(text: str) -> str:
    sample = text[:20000]
    traditional = len(_TRADITIONAL_ONLY.findall(sample))
    # No traditional-only character (most reports): nothing to count the simplified ones against.
    if traditional and traditional > len(_SIMPLIFIED_ONLY.findall(sample)):
        return "traditional"
    return "simplified"


# Traditional → simplified gives exactly what OpenCC's "t2s" gives (opencc-python-reimplemented),
# whose pure-Python matching costs about a microsecond per character. Its rule, with the same
# dictionaries: a phrase of TSPhrases wins over characters, the longest phrase first, then the
# leftmost, then the same in what is left on either side; the remaining characters map one by
# one through TSCharacters. OpenCC first splits the text at punctuation and spaces, but no
# dictionary entry holds any of those, so no phrase crosses a split and the whole text can go
# at once. Phrases are rare in reports: a C-level search finds them, str.translate does the rest.


def _opencc_dictionary(name: str) -> dict[str, str]:
    """An OpenCC dictionary file: entry → its first conversion (OpenCC takes the first of several)."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / name
    with open(path, encoding="utf-8") as f:
        return {key: value.split(" ")[0] for key, value in (line.strip().split("\t") for line in f)}


@dataclass(frozen=True)
class _T2S:
    phrases: dict[str, str]
    phrases_by_first: dict[str, list[str]]  # first character → the phrases it starts
    any_phrase: re.Pattern[str]
    characters: dict[int, str]  # a str.translate table


@lru_cache(maxsize=1)
def _t2s() -> _T2S:
    phrases = _opencc_dictionary("TSPhrases.txt")
    by_first: dict[str, list[str]] = {}
    for key in phrases:
        by_first.setdefault(key[0], []).append(key)
    # Every TSCharacters entry is one character (ord() would fail otherwise).
    characters = {ord(key): value for key, value in _opencc_dictionary("TSCharacters.txt").items()}
    return _T2S(phrases, by_first, re.compile("|".join(map(re.escape, phrases))), characters)


def _phrases_at(text: str, t2s: _T2S) -> list[tuple[int, str]]:
    """Every (offset, phrase) occurrence in the text, overlapping ones included."""
    found: list[tuple[int, str]] = []
    pos = 0
    while m := t2s.any_phrase.search(text, pos):
        start = m.start()
        found += [(start, key) for key in t2s.phrases_by_first[text[start]] if text.startswith(key, start)]
        pos = start + 1
    return found


def _opencc_choice(found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The phrases OpenCC converts, in text order: taking the longest, then the leftmost, and
    dropping what overlaps a phrase taken, chooses what its recursive split chooses."""
    chosen: list[tuple[int, str]] = []
    taken: set[int] = set()
    for start, key in sorted(found, key=lambda f: (-len(f[1]), f[0])):
        span = range(start, start + len(key))
        if taken.isdisjoint(span):
            taken.update(span)
            chosen.append((start, key))
    return sorted(chosen)


def to_simplified(text: str) -> str:
    t2s = _t2s()
    parts: list[str] = []
    pos = 0
    for start, key in _opencc_choice(_phrases_at(text, t2s)):
        parts += [text[pos:start].translate(t2s.characters), t2s.phrases[key]]
        pos = start + len(key)
    parts.append(text[pos:].translate(t2s.characters))
    return "".join(parts)


# ---------------------------------------------------------------- page chrome

_METADATA_KEYS = (
    "索引号|组配分类|发布机构|主题分类|体裁分类|服务对象分类|名称|标题|文号|发文字号|生成日期|发布日期|成文日期|"
    "发文机关|发布时间|信息来源|来源|所属机构|公开方式|公开范围|公开时限|有效性|信息分类|关键词|关键字|"
    "浏览次数|点击|阅读|访问量|作者|责任编辑|编辑|字体|字号"
)
# Matched against all lines at once, joined as "\n" + lines + "\n": a regex call per line costs
# more than the matching. Lines are space-normalised, so " " is the only spacing and no pattern
# crosses a newline. Patterns that open with a literal let the regex engine skip ahead fast;
# line-start patterns therefore open with the "\n" before the line.
_CHROME_ANYWHERE = re.compile(
    "|".join(
        (
            r"您现在所在的位置|您当前的位置|您的位置|当前位置|所在位置",
            r"ICP ?备|公网安备|版权所有|网 ?站 ?标 ?识 ?码|网站识别码|技术支持|建设运营",
            r"字体 ?[:：]? ?\[|【 ?(?:打印|关闭|大|中|小)|打印本页|关闭窗口|分享到|扫一扫|收藏本页|返回顶部",
            r"免责声明|来源 ?[:：] ?网络整理|如产生版权问题|如有侵权",
        )
    )
)
_CHROME_LINE_START = re.compile(
    rf"\n[^\w\n]*(?:(?:{_METADATA_KEYS}|投诉中心电话|联系电话|电话|传真|信息公开信箱|电子邮箱|邮箱|地址|邮编) ?[:：]"
    r"|上一篇|下一篇|上一条|下一条)|\nTOP(?=\n)"
)
# "同江市人民政府主办" alone on a line: the site's publisher, a short line without spaces.
_PUBLISHER = re.compile(r"(?:主办|承办)(?=\n)")
_PUBLISHER_MAX_LEN = 32
# Chrome lines are short; a long line that happens to start with 来源: is content.
_CHROME_MAX_LEN = 120


def chrome_lines(lines: list[str]) -> set[int]:
    """Indices of the page-chrome lines among space-normalised, non-empty lines."""
    joined = "\n" + "\n".join(lines) + "\n"
    # Offsets in `joined` of each line's first character.
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=1))

    def line_of(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    hits = {line_of(m.start()) for m in _CHROME_ANYWHERE.finditer(joined)}
    hits |= {line_of(m.start() + 1) for m in _CHROME_LINE_START.finditer(joined)}
    hits |= {
        i
        for m in _PUBLISHER.finditer(joined)
        if len(lines[i := line_of(m.start())]) <= _PUBLISHER_MAX_LEN and " " not in lines[i]
    }
    return {i for i in hits if len(lines[i]) <= _CHROME_MAX_LEN}


def is_chrome(line: str) -> bool:
    return bool(chrome_lines([" ".join(line.split())]))


# Some portals lose the opening bracket of "（三）" headings (seed 002: "）政府信息公开平台…").
# Applied to the joined lines at once; lines are space-normalised, so " " is the only spacing.
_LOST_HEADING_NUMBER = re.compile(r"^[)）] ?(?=[\u4e00-\u9fff])", re.M)


# Table cells repeat heavily ("0", "/", the same labels): each distinct cell is cleaned once.
# One cache per script, keyed by the text alone, which the cache looks up fastest.
@lru_cache(maxsize=16384)
def _clean_cell(text: str) -> str:
    cell = nfkc(remove_pinyin(text)[0])[0]
    return drop_long_digit_runs(cell)[0] if len(cell) > MAX_DIGITS else cell


@lru_cache(maxsize=4096)
def _clean_traditional_cell(text: str) -> str:
    return to_simplified(_clean_cell(text))


def clean_cells(grids: list[list[list[str]]], script: str) -> list[list[list[str]]]:
    """The table cells of a document whose script is known: the same normalisation as its text."""
    clean_one = _clean_traditional_cell if script == "traditional" else _clean_cell
    return [[list(map(clean_one, row)) for row in grid] for grid in grids]


def clean(text: str) -> Cleaned:
    repairs: list[str] = []
    flags: list[str] = []
    # Byte-level repair first: NFKC and conversion would change the characters it re-encodes.
    text, repaired, broken = repair_mojibake(text)
    if repaired:
        repairs.append("mojibake_repaired")
    if broken:
        flags.append("mojibake_unrepaired")
    text, changed = remove_pinyin(text)
    if changed:
        repairs.append("pinyin_annotations_removed")
    text, changed = nfkc(text)
    if changed:
        repairs.append("unicode_nfkc")
    # After NFKC, which turns ① into 1.
    text, dropped = drop_long_digit_runs(text)
    if dropped:
        flags.append("digit_run_too_long")
    script = detect_script(text)
    if script == "traditional":
        text = to_simplified(text)
        repairs.append("converted_to_simplified")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    chrome = chrome_lines(lines)
    body = [line for i, line in enumerate(lines) if i not in chrome]
    if len(body) < len(lines):
        repairs.append("page_chrome_removed")
    text, lost = _LOST_HEADING_NUMBER.subn("", "\n".join(body))
    if lost:
        flags.append("heading_numbers_lost")
    return Cleaned(lines=lines, text=text, script=script, repairs=repairs, flags=flags)
