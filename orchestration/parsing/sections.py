"""The six sections of a 2019/2021-layout report, found in the cleaned running text, and the
rules on them: all six present and in order (sections_complete), and sections 五 and 六 saying
more than "无" (section_not_empty).

A heading is its numeral and the heading's key words, as reports print them: 一、总体情况, also
without 、, with spaces, bracketed ((一)总体情况), with the numeral doubled (三三、), with 其它 for
其他 or a misspelt word (行政法复议). A numeral must be its section's, so a sub-heading such as
(一)主动公开… under 总体情况 is not section 二; a heading whose numeral a PDF lost is taken only
when it stands alone on its line. Headings run into the text on one-line pages, so none is
anchored at a line start. The longest run of the headings found that rises in section order is
the report's sections; a heading found outside it is out of order.
"""

from __future__ import annotations

import re

from .model import Check, Section

NUMERALS = "一二三四五六"

# The key words of each section's heading, tolerant of the variants reports print; a literal
# within them (its anchor), and how many characters of the key words can stand before it.
_KEY_WORDS = (
    ("总体情况", (0,), r"总体情况"),
    ("主动公开政府信息", (0,), r"主动公开政府信息(?:的)?(?:工作)?情况"),
    ("处理政府信息公开申请", (3,), r"收到[和与及]处理政府信息公开申请(?:的)?情况"),
    ("政府信息公开行政", (0,), r"政府信息公开行政.?复议[、,和及与]?\s*行政诉讼(?:的)?情况"),
    ("主要问题", (3, 2), r"存在的?主要问题(?:及|和|与)?改进(?:情况|措施)"),
    ("需", (2,), r"其[他它]需要?报告的?事项"),
)
_HEADINGS = tuple((anchor, offsets, re.compile(words)) for anchor, offsets, words in _KEY_WORDS)
_SPACE = " \t\u3000"
_MARKS = "、,，.．:："

ASSESSED_LAYOUTS = ("2019", "2021")

# A section that says only "none" (or nothing): what is left once punctuation, spaces, a
# trailing signature (the organ's name and the date) and the page's chrome after it are removed.
_NONE = (
    r"(?:本年度|本年|今年|报告期内|年内|\d{4}年度?)?(?:暂|均|并)?(?:无|没有)"
    r"(?:其[他它])?(?:需要?|应当?)?(?:报告|说明)?的?(?:其[他它])?(?:事项|情况|内容)?"
)
_DATE = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d元正一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日"
_ORGAN = r"[\u4e00-\u9fff]{2,40}?(?:局|委员会|委|办公室|办|政府|办事处|街道|镇|乡|管委会|中心|院|厅|部|署|所|会)"
# Portal chrome a scraped page leaves after the signature.
_CHROME = r"(?:附件下载|附件|打印本页|关闭窗口|打印|关闭)*"
# Longer than a "none" phrase, an organ's name, a date and the chrome together: it says more.
_LONGEST_NONE = 120
_TRAILER = re.compile(rf"(?:{_DATE})?{_CHROME}$")
_NONE_ONLY = re.compile(rf"(?P<none>{_NONE})?(?:{_ORGAN}{_DATE}|{_DATE})?{_CHROME}")
_NOT_TEXT = re.compile(r"[\s\W_]+")


def _numeral_before(text: str, start: int) -> tuple[int, int] | None:
    """The heading's start and section number when a numeral and its marks ((一)、 三三、 一 、)
    end at `start`; (start, 0) when the key words open their line (a PDF may lose the numeral),
    else None. Read backwards by hand: a regex here cost more than the rest of the search."""
    i = start
    while i and text[i - 1] in _SPACE:
        i -= 1
    if i and text[i - 1] in _MARKS:
        i -= 1
        while i and text[i - 1] in _SPACE:
            i -= 1
    if i and text[i - 1] in ")）":
        i -= 1
    if i and text[i - 1] in NUMERALS:
        numeral = text[i - 1]
        i -= 1
        if i and text[i - 1] == numeral:  # 三三、
            i -= 1
        if i and text[i - 1] in "(（":
            i -= 1
        return i, NUMERALS.index(numeral) + 1
    line_start = start
    while line_start and text[line_start - 1] in _SPACE:
        line_start -= 1
    return (line_start, 0) if line_start == 0 or text[line_start - 1] == "\n" else None


def _ends_line(text: str, end: int) -> bool:
    while end < len(text) and text[end] in _SPACE:
        end += 1
    return end == len(text) or text[end] == "\n"


def locate(text: str) -> tuple[tuple[Section, ...], frozenset[int]]:
    """The sections of the cleaned running text, in order (a section not found is left out),
    and the numbers of headings found that are not in order."""
    # Each heading's anchor is found by str.find and its key words matched there: a regex
    # alternation of the six, scanned character by character by Python's regex engine, was
    # 10x slower.
    found = []  # (number, start of heading, end of heading)
    for number, (anchor, offsets, words) in enumerate(_HEADINGS, start=1):
        at = text.find(anchor)
        while at >= 0:
            m = next(filter(None, (words.match(text, at - k) for k in offsets if at >= k)), None)
            at = text.find(anchor, at + len(anchor))
            before = m and _numeral_before(text, m.start())
            if before is None:
                continue
            start, numeral = before
            # A numeral must be the section's own (a (一)主动公开… sub-heading is not section 二);
            # a heading without one must stand alone on its line.
            if numeral == number or (numeral == 0 and _ends_line(text, m.end())):
                found.append((number, start, m.end()))
    found.sort(key=lambda item: item[1])
    chain = _longest_in_order(found)
    sections = []
    for i, (number, start, end) in enumerate(chain):
        stop = chain[i + 1][1] if i + 1 < len(chain) else len(text)
        sections.append(Section(number, text[start:end].strip(), text[end:stop].strip()))
    in_order = {number for number, _, _ in chain}
    return tuple(sections), frozenset(number for number, _, _ in found if number not in in_order)


def _longest_in_order(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The longest subsequence whose section numbers rise, the earliest such on ties: a
    heading quoted again later (a page title, a table caption) or printed out of place is left
    out. Candidates are a handful, so the quadratic search costs nothing."""
    best: list[list[tuple[int, int, int]]] = []
    for i, item in enumerate(found):
        before = [best[j] for j in range(i) if found[j][0] < item[0]]
        longest = max(before, key=len, default=[])
        best.append([*longest, item])
    return max(best, key=len, default=[])


def _numerals(numbers) -> str:
    return "、".join(NUMERALS[n - 1] for n in numbers)


def sections_complete(
    sections: tuple[Section, ...], doc_type: str | None, layout: str | None, out_of_order: frozenset[int] = frozenset()
) -> Check:
    """All six sections present and in order; a heading found out of order (`out_of_order`, from
    locate) is named as such, not as missing."""
    if doc_type != "annual_report" or layout not in ASSESSED_LAYOUTS:
        what = "not an annual report" if doc_type != "annual_report" else f"layout {layout or 'unknown'}"
        return Check(
            "sections_complete", "report", "not_assessable", f"{what}: only the 2019 and 2021 layouts fix six sections"
        )
    numbers = [s.number for s in sections]
    missing = [n for n in range(1, 7) if n not in numbers and n not in out_of_order]
    misplaced = sorted(out_of_order)
    found = f"found {_numerals(numbers) or 'none'}"
    if not missing and not misplaced:
        return Check("sections_complete", "report", "pass", f"{found} in order", len(numbers), 6)
    problems = [f"missing {_numerals(missing)}"] if missing else []
    problems += [f"out of order {_numerals(misplaced)}"] if misplaced else []
    return Check("sections_complete", "report", "fail", f"{'; '.join(problems)} ({found})", len(numbers), 6)


def only_none(text: str, agency: str | None = None) -> str | None:
    """The bare "none" the section's text says and nothing else (punctuation, signature and
    chrome removed), "" when it says nothing at all, or None when it says more."""
    bare = _NOT_TEXT.sub("", text)
    if len(bare) > _LONGEST_NONE:
        return None
    name = _NOT_TEXT.sub("", agency or "")
    if name:  # the organ's own name before the date: cut by hand (a regex per name is a compile per report)
        trailer = _TRAILER.search(bare).start()
        if bare[:trailer].endswith(name):
            bare = bare[: trailer - len(name)] + bare[trailer:]
    m = _NONE_ONLY.fullmatch(bare)
    return (m.group("none") or "") if m else None


def sections_not_empty(sections: tuple[Section, ...], agency: str | None = None) -> list[Check]:
    """Sections 五 and 六 say something beyond "无"; not assessable where the section is missing."""
    by_number = {s.number: s for s in sections}
    checks = []
    for number in (5, 6):
        scope = f"section_{number}"
        section = by_number.get(number)
        if section is None:
            detail = f"section {NUMERALS[number - 1]} not found"
            checks.append(Check("section_not_empty", scope, "not_assessable", detail))
        else:
            # lhs: the characters of what the section says, punctuation and spaces left out (on
            # a fail, of the "none" phrase alone).
            none = only_none(section.text, agency)
            if none is not None:
                said = f"only: {section.text[:80]}" if none else f"nothing but: {section.text[:80]}"
                detail = f"{section.heading} says {said}" if section.text else f"{section.heading} is empty"
                checks.append(Check("section_not_empty", scope, "fail", detail, len(none)))
            else:
                chars = len(_NOT_TEXT.sub("", section.text))
                detail = f"{section.heading}: {chars} characters"
                checks.append(Check("section_not_empty", scope, "pass", detail, chars))
    return checks


def evaluate(
    sections: tuple[Section, ...],
    out_of_order: frozenset[int],
    doc_type: str | None,
    layout: str | None,
    agency: str | None,
) -> list[Check]:
    """The section rules of one report: sections_complete, and section_not_empty where the
    layout fixes the sections."""
    complete = sections_complete(sections, doc_type, layout, out_of_order)
    if complete.status == "not_assessable":
        reason = complete.detail
        return [
            complete,
            *(Check("section_not_empty", f"section_{n}", "not_assessable", reason) for n in (5, 6)),
        ]
    return [complete, *sections_not_empty(sections, agency)]
