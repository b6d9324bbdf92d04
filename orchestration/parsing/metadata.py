"""Title, reporting agency, report year, publish date and region, read from the normalised lines
(page chrome still in: 发布机构, 发布时间 and breadcrumbs live there)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .model import Region
from .regions import find_region


@dataclass
class Metadata:
    title: str | None
    agency: str | None
    report_year: int | None
    publish_date: str | None
    region: Region | None


def _compact(text: str) -> str:
    """Without spaces: scrapes and PDFs put them anywhere in a title ('社会事业局 2019 年…')."""
    return "".join(text.split())


# ---------------------------------------------------------------- labelled values

# Spaces, never a line break, before the colon: the page's first lines are searched as one text.
_KEY_VALUE = re.compile(r"(名称|标题|发布机构|来源|信息来源|发文机关|发布时间|发布日期)[^\S\n]*[:：]")
# Labels share a line ("发布时间:2023-12-15 09:09 来源:…"): the next label ends a value.
_NEXT_LABEL = re.compile(r"\s[\u4e00-\u9fff]{2,6}\s*[:：]")
# An organ's name holds no space: what follows it on the line is chrome ("来源:XX局 【打印】").
_ORGAN_KEYS = {"发布机构", "来源", "信息来源", "发文机关"}
_METADATA_LINES = 60
_VALUE_MAX_LEN = 200


def _key_values(lines: list[str]) -> dict[str, str]:
    """First value of each metadata key on the page; a title keeps its spaces
    ('标题: 平潭综合实验区社会事业局 2019年政府信息公开工作年度报告')."""
    values: dict[str, str] = {}
    head = "\n".join(lines[:_METADATA_LINES])  # one search over the lines, not one per line
    for m in _KEY_VALUE.finditer(head):
        if m.group(1) in values:
            continue
        rest = head[m.end() : m.end() + _VALUE_MAX_LEN]  # not the rest of a one-line page
        rest = rest.partition("\n")[0]  # a value ends with its line
        end = _NEXT_LABEL.search(rest)
        value = rest[: end.start() if end else None].strip()
        if value and m.group(1) in _ORGAN_KEYS:
            value = value.split(" ")[0]
        if value:
            values[m.group(1)] = value
    return values


# ---------------------------------------------------------------- dates

# Year digits are written one by one (二○一二); ○ and the letter O stand in for 〇 in the wild.
_DIGIT_OF = {**dict.fromkeys("〇○零Oo", "0"), **{c: str(i) for i, c in enumerate("一二三四五六七八九", 1)}}
_CN_NUM = "〇○零Oo一二三四五六七八九十"
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})(?!\d)"
    rf"|(?P<cy>[{_CN_NUM}]{{4}})年(?P<cm>[{_CN_NUM}]{{1,2}})月(?P<cd>[{_CN_NUM}]{{1,3}})日"
)


def _cn_small(numeral: str) -> int:
    import cn2an

    return int(cn2an.cn2an(numeral, "smart"))


def _dates(text: str) -> Iterator[tuple[re.Match, str]]:
    """Each valid date in `text` with its match, as YYYY-MM-DD."""
    for m in _DATE.finditer(text):
        if m.group("y"):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        else:
            digits = "".join(_DIGIT_OF.get(c, "") for c in m.group("cy"))
            if len(digits) != 4:
                continue
            y, mo, d = int(digits), _cn_small(m.group("cm")), _cn_small(m.group("cd"))
        if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
            yield m, f"{y:04d}-{mo:02d}-{d:02d}"


def parse_date(text: str) -> str | None:
    """The first valid date in `text` as YYYY-MM-DD; Chinese-numeral dates (二○一二年二月二十日) too."""
    return next((iso for _, iso in _dates(text)), None)


# ---------------------------------------------------------------- year

# 2023, or 二〇二三 written digit by digit.
_YEAR_NUMBER = r"(?:19|20)\d{2}|(?:一九|二[〇○零Oo])[〇○零Oo一二三四五六七八九]{2}"
_YEAR = re.compile(rf"({_YEAR_NUMBER})\s*年")
# Where the opening prose names the year it reports on. Not any "2023年": a 2024 report speaks
# of 2023 too ('(二)主动公开政府信息的主要类别2023年').
_BODY_YEAR = re.compile(
    rf"现将({_YEAR_NUMBER})\s*年"
    rf"|统计(?:期限|时限|期间|时间)(?:为|自|从|是)?({_YEAR_NUMBER})\s*年"
    rf"|总体情况\s*({_YEAR_NUMBER})\s*年"
    rf"|({_YEAR_NUMBER})\s*年度?(?:政府信息公开|政务公开)(?:工作|(?:年度)?(?:报告|总结))"
)
_BODY_YEAR_HEAD = 3000
# Annual reports are due by 31 January (条例 article 49), late ones follow within a few months.
_LATEST_REPORTING_MONTH = 5


def _year_number(numeral: str) -> int:
    return int(numeral if numeral.isdigit() else "".join(_DIGIT_OF[c] for c in numeral))


# A title is looked at by several steps (the title chosen, its organ, its year): each pure
# function of it is computed once.
_per_text = lru_cache(maxsize=4096)


@_per_text
def title_year(title: str | None) -> int | None:
    """The first year the title names: the year reported on ('XX局2024 年度…', '二〇二三年…')."""
    if title and (m := _YEAR.search(_compact(title))):
        return _year_number(m.group(1))
    return None


def find_report_year(title: str | None, body: str) -> int | None:
    """The year the title names, else the year the opening prose says it reports on."""
    if (year := title_year(title)) is not None:
        return year
    if m := _BODY_YEAR.search(body[:_BODY_YEAR_HEAD]):
        return _year_number(next(g for g in m.groups() if g))
    return None


def year_reported_by_annual_report(publish_date: str | None) -> int | None:
    """An annual report published early in year N reports on N-1; published later, it cannot tell."""
    if publish_date and int(publish_date[5:7]) <= _LATEST_REPORTING_MONTH:
        return int(publish_date[:4]) - 1
    return None


# ---------------------------------------------------------------- agency

_ORGAN_END = (
    "人民政府办公室|人民政府办公厅|人民政府|街道办事处|办事处|街道|委员会|办公室|办公厅|"
    "管理委员会|管委会|局|厅|委|办|镇|乡|苏木|县|区|市|省|院|署|中心|站|所|部|处|会|馆|队|团"
)
_ORGAN = re.compile(rf"^[\u4e00-\u9fff()（）]{{2,30}}?(?:{_ORGAN_END})$")
# A title opens with "关于" or its year at most before the organ ("2018年新陶街道政府信息公开…").
_TITLE_OPENING = re.compile(rf"^(?:关于)?(?:(?:{_YEAR_NUMBER})年度?)?")
# Otherwise the organ ends where "关于" or the year begins ("XX局关于…的自查报告", "XX局2023年…") …
_AFTER_ORGAN = re.compile(rf"关于|(?:{_YEAR_NUMBER})年")
# … or, in a title without either, where the subject begins. Any of these, since an organ may
# hold one: 县人民政府|信息公开…, 县政务公开办|2023年….
_SUBJECT = re.compile(r"(?=政府信息|政务公开|信息公开|工作)")


@_per_text
def _organ(name: str | None) -> str | None:
    if name and _ORGAN.match(name):
        return name
    return None


@_per_text
def title_organ(title: str | None) -> str | None:
    """The organ a title names: the longest organ-like opening before its year or subject."""
    if not title:
        return None
    text = _TITLE_OPENING.sub("", _compact(title), count=1)
    if stop := _AFTER_ORGAN.search(text):
        text = text[: stop.start()]
    openings = [text, *(text[: m.start()] for m in _SUBJECT.finditer(text))]
    return max(filter(None, map(_organ, openings)), key=len, default=None)


# What may follow the signature's date on its line ('附件下载', '【打印】'): short, no sentence.
_AFTER_SIGNATURE_MAX = 24
_SENTENCE_MARK = re.compile(r"[。;；,，:：!！?？]")
# The signer's name: the run of hanzi right before the date. Looked for in a window longer
# than any name it takes, so a longer run is never cut into one.
_SIGNER = re.compile(r"(?<![\u4e00-\u9fff()（）])[\u4e00-\u9fff()（）]{3,40}$")
_SIGNER_WINDOW = 48
_SIGNATURE_LINES = 12
# Room at a line's end for an organ's name (30), the date and what may follow it.
_SIGNATURE_SPAN = 80


def _closing_date(line: str) -> tuple[int, str] | None:
    """(offset, date) of a date that ends the line, as a signature's date does."""
    start = max(0, len(line) - _SIGNATURE_SPAN)
    found = list(_dates(line[start:]))
    if not found:
        return None
    m, iso = found[-1]
    after = line[start + m.end() :]
    if len(after) > _AFTER_SIGNATURE_MAX or _SENTENCE_MARK.search(after):
        return None
    return start + m.start(), iso


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(organ, date) of the closing signature near the end: an organ line above a date line, or
    both at the end of one line (page dumps with the whole report on one line:
    '…费情况。 平潭综合实验区财政金融局 2025年1月23日 附件下载')."""
    tail = lines[-_SIGNATURE_LINES:]
    for i in range(len(tail) - 1, -1, -1):
        if (found := _closing_date(tail[i])) is None:
            continue
        start, date = found
        before = tail[i][:start].rstrip()
        if not before:
            return (_organ(tail[i - 1]) if i else None), date
        if (signer := _SIGNER.search(before[-_SIGNER_WINDOW:])) and (organ := _organ(signer.group())):
            return organ, date
    return None, None


# "如对本报告有任何疑问，请与XX局办公室联系": the organ answers through its office.
_CONTACT = re.compile(r"请与([\u4e00-\u9fff()（）]{2,40}?)(?:联系|咨询)")
_OFFICE = re.compile(r"(?:政府信息公开|政务公开|信息公开)?办公室$")


def contact_organ(body: str) -> str | None:
    """The organ the report's contact sentence names, without its office."""
    if not (m := _CONTACT.search(body)):
        return None
    return _organ(_OFFICE.sub("", m.group(1))) or _organ(m.group(1))


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def choose_agency(candidates: list[str | None]) -> str | None:
    """The fullest name among those naming the same organ as the first (most telling) one:
    区经信局 (title) and 宣州区经济和信息化局 (signature) are one organ; a different organ that
    merely hosts the page is not."""
    names = [c for c in candidates if c]
    if not names:
        return None
    anchor = names[0]
    same = [n for n in names if _is_subsequence(anchor, n) or _is_subsequence(n, anchor)]
    return max(same, key=len)


# ---------------------------------------------------------------- title

_TITLE_WORDS = re.compile(r"报告|总结|年报|通知|函|意见|方案")
# Page navigation is never the title: prev/next links, list bullets, breadcrumbs (首页 > 政务公开 > …).
_NAVIGATION = re.compile(r"^(?:上一篇|下一篇|上一条|下一条)|[:：]\s*$|^[•·]|^首页|[>＞»]")
# "栏目: 政府信息公开年报", "附件: …": a labelled value, not the document's own title.
_LABEL = re.compile(r"^[^\s:：]{1,8}\s*[:：]")
# An HTML <title> appends the site: "某某局2023年…报告_某某市人民政府".
_SITE_NAME = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s).*$")
# A piece of a title broken over lines (PDF first pages): short, no sentence, no date.
_FRAGMENT = re.compile(r"^[\u4e00-\u9fff0-9()（）〔〕 ]{1,30}$")
_FRAGMENTS_MAX = 2
_TITLE_MAX_LEN = 60
_LABELLED_TITLE_MAX_LEN = 100  # longer after 名称:/标题: is running text, not a title
_HEAD_LINES = 20


def labelled_title(values: dict[str, str]) -> str | None:
    """The title the page's metadata gives (名称:, or the archive header's 标题:)."""
    title = values.get("名称") or values.get("标题")
    return title if title and len(title) <= _LABELLED_TITLE_MAX_LEN else None


def _unmarked(text: str) -> str:
    """Without markdown's heading and emphasis marks: "# 某某局2023年…报告", "**…**"."""
    return text.lstrip("#").strip().strip("*").strip()


def _is_title_line(line: str) -> bool:
    return bool(
        len(line) <= _TITLE_MAX_LEN
        and _TITLE_WORDS.search(line)
        and not _NAVIGATION.search(line)
        and not _KEY_VALUE.search(line)
        and not _LABEL.match(line)
        and line[-1] not in "。;；,，:"
    )


def _is_fragment(line: str) -> bool:
    return bool(_FRAGMENT.match(line)) and parse_date(line) is None


def _title_score(title: str) -> int:
    """What a title tells: its organ counts most, its year next."""
    return 2 * (title_organ(title) is not None) + (title_year(title) is not None)


def _with_fragments_above(line: str, above: list[str]) -> str:
    """The title line, joined to the short lines right above it when they give it the organ or
    year it lacks: 'XX局' / '2024年度政府信息公开工作年度报告', or three lines
    'XX局' / '关于做好…的' / '自查报告'. Lines that add nothing stay out."""
    candidates = [line]
    for fragment in reversed(above):
        if not _is_fragment(fragment):
            break
        candidates.append(fragment + candidates[-1])
    return max(candidates, key=_title_score)  # the first best: the fewest lines joined


def _head_units(lines: list[str]) -> Iterator[tuple[str, bool]]:
    """(text, is_piece) of the first lines, one at a time; a line too long to be a title gives
    its space-separated pieces instead: a page dumped on one line holds its title among
    breadcrumbs and prose ('当前位置： 首页…年报 某某局关于…的自查报告 来源： …')."""
    given = 0
    for line in lines[:_HEAD_LINES]:
        if len(line) <= _TITLE_MAX_LEN:
            units = [(line, False)]
        else:
            # The pieces a title could be; not the rest of the line, which may be the whole page.
            units = [
                (piece, True)
                for piece in line.split(" ", _HEAD_LINES)[:_HEAD_LINES]
                if len(piece) <= _LABELLED_TITLE_MAX_LEN
            ]
        for text, is_piece in units:
            if given == _HEAD_LINES:
                return
            given += 1
            yield _unmarked(text), is_piece


def first_lines_title(lines: list[str]) -> str | None:
    """The title as the document's first lines print it (a PDF's first page, a markdown heading)."""
    above: list[str] = []
    for unit, is_piece in _head_units(lines):
        if _is_title_line(unit):
            text = without_site if _TITLE_WORDS.search(without_site := _SITE_NAME.sub("", unit)) else unit
            title = _with_fragments_above(text, above[-_FRAGMENTS_MAX:])
            # A piece of a long line that names neither organ nor year is a column name of the
            # breadcrumbs ('政府信息公开年报'), not the title.
            if not is_piece or _title_score(title):
                return title
        above.append(unit)
    return None


# ---------------------------------------------------------------- all together


def extract_metadata(lines: list[str], body_lines: list[str]) -> Metadata:
    """`lines`: all normalised lines; `body_lines`: the same without chrome.

    The labelled title is the most trustworthy source of the organ, then the title the text opens
    with, then the signature; 发布机构 and 来源 come after: some portals fill them with the host
    organ or junk ('1', '福建学生资助'). The year is the title's: a year the text merely
    mentions is not the year reported on."""
    values = _key_values(lines)
    labelled, printed = labelled_title(values), first_lines_title(lines)
    title = labelled or printed
    sign_organ, sign_date = _signature(body_lines)
    agency = choose_agency(
        [
            title_organ(labelled),
            title_organ(printed),
            sign_organ,
            _organ(values.get("发布机构")),
            _organ(values.get("来源") or values.get("信息来源")),
            _organ(values.get("发文机关")),
        ]
    )
    body = "\n".join(body_lines)
    # The contact sentence comes last: it may name another organ that answers for this one
    # (a district's 政务公开办 for its departments).
    agency = agency or contact_organ(body)
    publish_date = parse_date(values.get("发布时间") or values.get("发布日期") or "") or sign_date
    year = title_year(labelled) or find_report_year(printed, body)
    # Where the organ is: the title and agency say it best; breadcrumbs and addresses help.
    head = [line for line in lines[:_HEAD_LINES] if line not in body_lines]
    region = find_region([t for t in (title, agency, *values.values(), *head) if t])
    return Metadata(title=title, agency=agency, report_year=year, publish_date=publish_date, region=region)
