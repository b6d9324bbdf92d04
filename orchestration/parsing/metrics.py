"""Numbers stated in the prose (and in the small pre-2019 statistics tables), as Metrics.

Only what a pattern below reads is reported; every value is the digits as they stand in the
cleaned text (thousands separators dropped), and its evidence is the sentence holding them.
VOCABULARY is the one documented list of metric names (with what each counts); no other name is
ever produced.
"""

from __future__ import annotations

import re

from .model import Metric

# The items_disclosed_<breakdown> parts and the words that name them.
BREAKDOWNS: dict[str, tuple[str, str]] = {
    # code: (description, regex of the label)
    "decision": ("决策公开 — decisions and their drafts", r"决策"),
    "execution_result": ("执行和结果公开 — implementation and results", r"执行|结果公开"),
    "management_service": ("管理和服务公开 — administration and services", r"管理和服务|管理服务"),
    "key_areas": ("重点领域信息公开 — key areas (finance, procurement, public welfare…)", r"重点领域"),
    "policy_interpretation": ("政策解读 — interpretations of policies", r"解读"),
    "response_to_concerns": ("回应关切 — responses to public concerns", r"回应"),
    "supervision": ("监督保障 — supervision and safeguards", r"监督保障"),
    "work_news": ("工作动态 / 政务动态 — news of the organ's work", r"工作动态|政务动态|动态"),
    "organization": ("组织机构 — organisation and functions", r"组织机构|机构职能"),
    "guide": ("公开指南 / 服务指南 — disclosure and service guides", r"指南"),
    "annual_report": ("信息公开年度报告 — annual reports", r"年度报告"),
    "normative_documents": ("规范性文件 — normative documents", r"规范性文件"),
    "personnel": ("人事信息 — appointments and staffing", r"人事"),
    "other": ("其他 — the report's own 'other' share", r"其他|其它"),
}

VOCABULARY: dict[str, str] = {
    "items_disclosed_total": "items of government information proactively disclosed in the year (条)",
    **{
        f"items_disclosed_{code}": f"items proactively disclosed, of which {desc}"
        for code, (desc, _) in BREAKDOWNS.items()
    },
    "page_views": "page views / clicks of the disclosure pages (次)",
    "applications_received": "applications for disclosure received (件)",
    "applications_answered": "applications for disclosure answered (件)",
    "applications_carried_forward": "applications carried forward to the next year (件)",
    "complaints_received": "complaints, reports and suggestions received (件)",
    "complaints_answered": "complaints, reports and suggestions answered (件)",
    "npc_suggestions_handled": "suggestions of people's congress deputies (人大代表建议) handled (件)",
    "cppcc_proposals_handled": "proposals of CPPCC members (政协委员提案) handled (件)",
    "fees_charged": "fees charged for disclosure (元 or 万元)",
    "admin_reviews": "administrative reviews about disclosure (件/起; prose or the pre-2019 statistics table)",
    "lawsuits": "administrative lawsuits about disclosure (件/起; prose or the pre-2019 statistics table)",
}

_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_COUNT_UNIT = r"(条|件|个|次|份|项|篇)"
# Every sentence pattern below reads a number followed by its unit: a sentence without one (a
# table cell on its own line, a date) is skipped before trying them all.
# Written unit first (the digit is looked back for) so the regex engine skips ahead to unit
# characters; cleaned text has at most one space between a number and its unit.
_COUNTED = re.compile(r"[条件个次份项篇万人元起](?:(?<=\d.)|(?<=\d .))")
_SENTENCE_END = re.compile(r"[。!?！？\n]")
_SENTENCE_ENDS = "。!?！？\n"
_CLAUSE = re.compile(r"[^,;，；、]+")

# name → pattern; the first group is the number, the second (if any) the unit.
_PATTERNS: dict[str, re.Pattern] = {
    name: re.compile(pattern)
    for name, pattern in {
        "items_disclosed_total": rf"(?:主动)?(?:公开|发布)(?:各类|政府|政务)?信息(?:共计|总计|合计|共)?\s*{_NUM}\s*(条)",
        "page_views": rf"(?:浏览量|点击量|访问量|浏览次数|点击次数|访问次数)(?:达到|累计|共计|达|为|共)?\s*{_NUM}\s*(万次|次|人次)",
        "applications_received": rf"(?:收到|受理|接收)(?:各类)?(?:政府信息公开|信息公开|依申请公开)?申请(?:共计|共)?\s*{_NUM}\s*{_COUNT_UNIT}",
        "applications_answered": rf"(?:答复|办结|回复)(?:政府信息公开|信息公开|依申请公开)?申请(?:共计|共)?\s*{_NUM}\s*{_COUNT_UNIT}",
        "complaints_received": rf"收到(?:群众)?(?:投诉建议|投诉举报|举报投诉|投诉|举报)(?:共计|共)?\s*{_NUM}\s*{_COUNT_UNIT}",
        "npc_suggestions_handled": rf"人大代表(?:建议|议案)(?:共计|共)?\s*{_NUM}\s*{_COUNT_UNIT}|(?<!\d){_NUM}\s*{_COUNT_UNIT}人大代表(?:建议|议案)",
        "cppcc_proposals_handled": rf"政协(?:委员)?提案(?:共计|共)?\s*{_NUM}\s*{_COUNT_UNIT}|(?<!\d){_NUM}\s*{_COUNT_UNIT}政协(?:委员)?提案",
        "applications_carried_forward": rf"结转(?:至|到)?(?:下一?年度?|下年|\d{{4}}年度?)(?:继续)?(?:办理|处理)?(?:申请)?(?:共计|共)?\s*{_NUM}\s*(件)",
        # Only a count in cases (件/起) right after the words: the table's 行政复议 header is
        # followed by unitless cells.
        "admin_reviews": rf"行政复议(?:案件|申请)?(?:共计|共)?\s*{_NUM}\s*(件|起)",
        "lawsuits": rf"行政诉讼(?:案件)?(?:共计|共)?\s*{_NUM}\s*(件|起)",
        "fees_charged": rf"收取(?:信息处理费|信息公开费用|费用|信息公开处理费)(?:共计|共)?\s*{_NUM}\s*(万元|元)",
    }.items()
}
# A word each pattern needs: a sentence without it is not searched (a substring test is far
# cheaper than a regex search, and long reports hold thousands of sentences with numbers).
_NEEDS: dict[str, tuple[str, ...]] = {
    "items_disclosed_total": ("信息",),
    "page_views": ("浏览", "点击", "访问"),
    "applications_received": ("申请",),
    "applications_answered": ("申请",),
    "complaints_received": ("投诉", "举报"),
    "npc_suggestions_handled": ("人大代表",),
    "cppcc_proposals_handled": ("政协",),
    "applications_carried_forward": ("结转",),
    "admin_reviews": ("行政复议",),
    "lawsuits": ("行政诉讼",),
    "fees_charged": ("收取",),
}
# All of them in one pattern: one scan of a sentence tells which patterns to try. No word ends with
# the character another begins with, so no occurrence hides inside another's (a test holds it).
_NEED_WORDS = re.compile("|".join(sorted({w for words in _NEEDS.values() for w in words})))
# The answer count follows the received count in the same sentence (收到投诉建议共45件,回复45件).
_COMPLAINTS_ANSWERED = re.compile(rf"(?:回复|答复|办结|处理)(?:共计|共)?\s*{_NUM}\s*{_COUNT_UNIT}")
_BREAKDOWN_LABELS = [(code, re.compile(label)) for code, (_, label) in BREAKDOWNS.items()]
_BREAKDOWN_ITEM = re.compile(rf"([\u4e00-\u9fff]{{2,16}}?)(?:共计|共)?\s*{_NUM}\s*条")
# "主动公开政务动态信息55条": one part given without the total.
_STANDALONE_PART = re.compile(rf"主动公开([\u4e00-\u9fff]{{2,8}}?)信息(?:共计|共)?\s*{_NUM}\s*条")

# Pre-2019 reports carry a small table: 指标名称 | 计量单位 | 本年度.
_STAT_ROWS: list[tuple[str, re.Pattern]] = [
    (name, re.compile(label))
    for name, label in (
        ("items_disclosed_total", r"^(?:一、)?主动公开政府信息(?:数|条数|总数)"),
        ("items_disclosed_normative_documents", r"^其中[:：]?\s*主动公开规范性文件数"),
        ("applications_received", r"^(?:二、)?收到(?:政府信息公开)?申请(?:数|总数)"),
        ("applications_answered", r"^(?:\d[.、])?对申请的答复总数|^申请办结数"),
        ("admin_reviews", r"^(?:\d[.、])?(?:政府信息公开)?行政复议(?:数量|数)"),
        ("lawsuits", r"^(?:\d[.、])?(?:政府信息公开)?行政诉讼(?:数量|数)"),
        ("fees_charged", r"^(?:\d[.、])?(?:实际)?收取(?:的)?费用(?:总额)?"),
    )
]
_STAT_TABLE = re.compile(r"指标名称")
_STAT_VALUE = re.compile(rf"^{_NUM}$")
_STAT_UNIT = re.compile(r"^(条|件|个|次|万元|元|人次)$")


def _value(digits: str) -> int | float:
    digits = digits.replace(",", "")
    return float(digits) if "." in digits else int(digits)


def _first_number(m: re.Match) -> tuple[str, str | None]:
    """(digits, unit) of a match whose alternatives each hold a number group and a unit group."""
    groups = [g for g in m.groups() if g is not None]
    return groups[0], (groups[1] if len(groups) > 1 else None)


def _breakdown_code(label: str) -> str | None:
    for code, pattern in _BREAKDOWN_LABELS:
        if pattern.search(label):
            return code
    return None


def _sentence_metrics(sentence: str) -> list[Metric]:
    found: list[Metric] = []
    present = set(_NEED_WORDS.findall(sentence))
    for name, pattern in _PATTERNS.items():
        if present.isdisjoint(_NEEDS[name]):
            continue
        for m in pattern.finditer(sentence):
            digits, unit = _first_number(m)
            found.append(Metric(name, _value(digits), unit, sentence))
            if name == "complaints_received" and (a := _COMPLAINTS_ANSWERED.search(sentence, m.end())):
                found.append(Metric("complaints_answered", _value(a.group(1)), a.group(2), sentence))
    if any(m.name == "items_disclosed_total" for m in found) and "其中" in sentence:
        for clause in _CLAUSE.findall(sentence[sentence.index("其中") :]):
            if (item := _BREAKDOWN_ITEM.search(clause)) and (code := _breakdown_code(item.group(1))):
                found.append(Metric(f"items_disclosed_{code}", _value(item.group(2)), "条", sentence))
    for m in _STANDALONE_PART.finditer(sentence) if "主动公开" in sentence else ():
        if (code := _breakdown_code(m.group(1))) is not None:
            found.append(Metric(f"items_disclosed_{code}", _value(m.group(2)), "条", sentence))
    return found


def _stat_table_metrics(lines: list[str]) -> list[Metric]:
    """Rows of a 指标名称 | 计量单位 | 本年度 table, as '|' rows or one cell per line."""
    found: list[Metric] = []
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip("|").split("|")] if "|" in line else [line, *lines[i + 1 : i + 3]]
        for name, label in _STAT_ROWS:
            if not label.search(cells[0]):
                continue
            rest = [c for c in cells[1:3] if not _STAT_UNIT.match(c)]
            units = [c for c in cells[1:3] if _STAT_UNIT.match(c)]
            if rest and (v := _STAT_VALUE.match(rest[0])):
                found.append(Metric(name, _value(v.group(1)), units[0] if units else None, " | ".join(cells)))
            break
    return found


def _counted_sentences(text: str):
    """The sentences holding a counted number, in order, each once. Found from the numbers
    outward: most of a report's sentences (and its one-cell table lines) hold none."""
    after = 0  # where the sentence after the one last yielded starts
    for m in _COUNTED.finditer(text):
        if m.start() < after:
            continue  # another number of the sentence just yielded
        # Searched back no further than `after`, so the scans stay linear in the text.
        start = max(max(text.rfind(c, after, m.start()) for c in _SENTENCE_ENDS) + 1, after)
        stop = _SENTENCE_END.search(text, m.end())
        end = stop.start() if stop else len(text)
        yield text[start:end]
        after = end + 1


def extract_metrics(text: str) -> list[Metric]:
    """Each (name, value) once, with the first sentence that states it."""
    found: list[Metric] = []
    for sentence in _counted_sentences(text):
        found.extend(_sentence_metrics(sentence.strip()))
    if _STAT_TABLE.search(text):
        found.extend(_stat_table_metrics(text.splitlines()))
    seen: set[tuple[str, int | float]] = set()
    unique = []
    for metric in found:
        if (metric.name, metric.value) not in seen:
            seen.add((metric.name, metric.value))
            unique.append(metric)
    return unique
