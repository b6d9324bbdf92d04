"""Title, reporting agency, report year, publish date and region, read from the normalised lines
(page chrome still in: 发布机构, 发布时间 and breadcrumbs live there)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Region
from .regions import find_region


@dataclass
class Metadata:
    title: str | None
    agency: str | None
    report_year: int | None
    publish_date: str | None
    region: Region | None


_KEY_VALUE = re.compile(r"(名称|标题|发布机构|来源|信息来源|发文机关|发布时间|发布日期)\s*[:：]\s*(\S*)")
_TITLE_WORDS = re.compile(r"报告|总结|年报|通知|函|意见|方案")
# Page navigation is never the title: prev/next links, list bullets, breadcrumbs (首页 > 政务公开 > …).
_NAVIGATION = re.compile(r"^(?:上一篇|下一篇|上一条|下一条)|[:：]\s*$|^[•·]|^首页|[>＞»]")
_TITLE_MAX_LEN = 60
_HEAD_LINES = 20


def find_title(lines: list[str], values: dict[str, str]) -> str | None:
    if values.get("名称") or values.get("标题"):
        return values.get("名称") or values.get("标题")
    for line in lines[:_HEAD_LINES]:
        if (
            len(line) <= _TITLE_MAX_LEN
            and _TITLE_WORDS.search(line)
            and not _NAVIGATION.search(line)
            and not _KEY_VALUE.search(line)
            and line[-1] not in "。;；,，:"
        ):
            return line
    return None


def _key_values(lines: list[str]) -> dict[str, str]:
    """First value of each metadata key on the page (keys may share a line)."""
    values: dict[str, str] = {}
    for line in lines[:60]:
        for key, value in _KEY_VALUE.findall(line):
            if value and key not in values:
                values[key] = value
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


def parse_date(text: str) -> str | None:
    """The first valid date in `text` as YYYY-MM-DD; Chinese-numeral dates (二○一二年二月二十日) too."""
    for m in _DATE.finditer(text):
        if m.group("y"):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        else:
            digits = "".join(_DIGIT_OF.get(c, "") for c in m.group("cy"))
            if len(digits) != 4:
                continue
            y, mo, d = int(digits), _cn_small(m.group("cm")), _cn_small(m.group("cd"))
        if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


# ---------------------------------------------------------------- agency

_ORGAN_END = (
    "人民政府办公室|人民政府办公厅|人民政府|街道办事处|办事处|街道|委员会|办公室|办公厅|"
    "管理委员会|管委会|局|厅|委|办|镇|乡|苏木|县|区|市|省|院|署|中心|站|所|部|处|会|馆|队|团"
)
_ORGAN = re.compile(rf"^[\u4e00-\u9fff()（）]{{2,30}}?(?:{_ORGAN_END})$")
# "同江市繁荣街道2023年…" / "2018年新陶街道政府信息公开…": the organ stands before or after the year.
_TITLE_ORGAN = re.compile(
    rf"^(?:关于)?(?P<before>[\u4e00-\u9fff()（）]{{2,30}}?)\s*(?:19|20)\d{{2}}\s*年"
    rf"|^(?:19|20)\d{{2}}\s*年度?\s*(?P<after>[\u4e00-\u9fff]{{2,30}}?(?:{_ORGAN_END}))"
    r"(?=政府信息|政务公开|信息公开|政务|工作)"
)


def _organ(name: str | None) -> str | None:
    if name and _ORGAN.match(name):
        return name
    return None


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(organ, date) of the closing signature: an organ line followed by a date line, near the end."""
    tail = lines[-12:]
    for i in range(len(tail) - 1, 0, -1):
        date = parse_date(tail[i]) if len(tail[i]) <= 20 else None
        if date:
            return _organ(tail[i - 1]), date
    return None, None


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


# ---------------------------------------------------------------- year

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BODY_YEAR = re.compile(r"现将((?:19|20)\d{2})\s*年度?|((?:19|20)\d{2})\s*年度?(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|总结)")
# Annual reports are due by 31 January (条例 article 49), late ones follow within a few months.
_LATEST_REPORTING_MONTH = 5


def find_report_year(title: str | None, body: str) -> int | None:
    """The year the title names, else the year the opening prose says it reports on."""
    if title and (m := _YEAR.search(title)):
        return int(m.group(1))
    if m := _BODY_YEAR.search(body[:3000]):
        return int(m.group(1) or m.group(2))
    return None


def year_reported_by_annual_report(publish_date: str | None) -> int | None:
    """An annual report published early in year N reports on N-1; published later, it cannot tell."""
    if publish_date and int(publish_date[5:7]) <= _LATEST_REPORTING_MONTH:
        return int(publish_date[:4]) - 1
    return None


def extract_metadata(lines: list[str], body_lines: list[str]) -> Metadata:
    """`lines`: all normalised lines; `body_lines`: the same without chrome."""
    values = _key_values(lines)
    title = find_title(lines, values)
    title_organ = None
    if title and (m := _TITLE_ORGAN.search(title)):
        title_organ = _organ(m.group("before") or m.group("after"))
    sign_organ, sign_date = _signature(body_lines)
    agency = choose_agency(
        [title_organ, sign_organ, _organ(values.get("发布机构")), _organ(values.get("来源") or values.get("信息来源")), _organ(values.get("发文机关"))]
    )
    publish_date = parse_date(values.get("发布时间") or values.get("发布日期") or "") or sign_date
    body = "\n".join(body_lines)
    year = find_report_year(title, body)
    # Where the organ is: the title and agency say it best; breadcrumbs and addresses help.
    head = [line for line in lines[:_HEAD_LINES] if line not in body_lines]
    region = find_region([t for t in (title, agency, *values.values(), *head) if t])
    return Metadata(title=title, agency=agency, report_year=year, publish_date=publish_date, region=region)
