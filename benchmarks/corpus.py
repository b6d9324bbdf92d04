"""A synthetic corpus of disclosure reports with known ground truth, in the mix the world publishes.

`generate(out_dir, n, seed)` writes n report files under out_dir/landing/ and one JSON line of
ground truth per file to out_dir/ground_truth.jsonl. The same (n, seed, agency_offset) always
gives the same bytes. What is in it, and why:

- many agencies (names built from the official division list cpca ships) reporting over
  consecutive years, so carried_over(N) = carried_forward(N-1) holds unless a report breaks it;
- reports for 2014-2018 are free-form prose, 2019-2020 use the 2019 layout, 2021+ the 2021 one;
  besides annual reports: work summaries, self-inspection reports and templates (xxxx);
- every rendering the parser meets: HTML tables with rowspan/colspan, one cell per line, space
  separated rows, glued digit runs, markdown, PDF, DOCX; UTF-8, GB18030 and Big5; traditional
  characters with pinyin annotations; portal chrome; "/" and "—" for unfilled cells, full-width
  digits, thousands separators, label variants (合计, missing 序号, full-width brackets);
- the shapes of the real scraped pages (tests/fixtures/real_reports/raw): the archive's one-line page
  (metadata header, then the whole body on one line, cells glued in the spacings real pages
  use), and markdown as PDF converters leave it (values on their own row, wrapped labels,
  scrambled header cells); misprinted labels (钩稽, 行政法复议, 三三、, 不子公开, 其他 without 3.,
  a dropped or swapped character) in the text forms, named in the ground truth (`label_typos`);
- a few reports break one arithmetic rule on purpose (ground truth names it), because a broken
  rule is a finding the pipeline must record, never a reason to drop the report.

Ground truth carries every Table 2/3/4 cell (value or null). Templates carry none: their
placeholders are not data. A glued run is printed glued only where a reader could split it
(benchmarks/readings.py); a run that several splits would fit is printed spaced, so the truth
never holds a split the page does not fix. CLI: python -m benchmarks.corpus OUT_DIR -n 1000 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import os
import random
import re
import sys
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache, partial
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks import readings
from benchmarks.printed import (
    SECTIONS,
    T2_BLOCKS,
    T3_COLUMNS,
    T3_HEADER,
    T3_MAJOR,
    T3_NOTE,
    T4_COLUMNS,
    T4_GROUPS,
    T4_HEADER,
    t3_outcomes,
    t3_rows,
)

LATEST_YEAR = 2024
FIRST_YEAR = 2014
# Below this many reports a pool costs more than it saves.
POOL_MIN_REPORTS = 400
AGENCIES_PER_TASK = 40

RULES = (
    "table3_balance",
    "table3_outcomes_sum",
    "table3_total_column",
    "table4_group_total",
    "carried_over_continuity",
    "non_negative_counts",
)
BROKEN_SHARE = 0.05

# Rendering forms of reports with tables, and their shares (PDF and DOCX are slow to make and
# to read, and a small share of what is scraped). Portal pages arrive as HTML or as the archive's
# text dump of the page, which flattens the body onto one line: every real scraped report with
# tables is one (tests/fixtures/real_reports), so that form is the biggest share of the text forms.
TABLE_FORMS = (
    ("html", 0.29),
    ("text_oneline", 0.30),
    ("text_cells", 0.10),
    ("text_rows", 0.06),
    ("text_glued", 0.02),
    ("markdown", 0.04),
    ("pdf_markdown", 0.04),
    ("html_gb18030", 0.05),
    ("traditional_pinyin", 0.02),
    ("traditional_big5", 0.02),
    ("pdf", 0.02),
    ("docx", 0.02),
    ("text_cells_gb18030", 0.02),
)
PROSE_FORMS = (
    ("html", 0.40),
    ("text_oneline", 0.30),
    ("txt", 0.15),
    ("txt_gb18030", 0.08),
    ("traditional_pinyin", 0.07),
)
# Forms whose cells run together on the page: their runs are split by the reader of readings.py.
GLUED_FORMS = frozenset({"text_glued", "text_oneline"})
# Forms the parser gets as plain text (txt or md), where a misprinted label reaches it as printed.
TEXT_TABLE_FORMS = frozenset(f for f, _ in TABLE_FORMS if f not in ("pdf", "docx") and not f.startswith("html"))
# Share of text-form reports with tables whose labels carry misprints (3 of the 10 real ones do).
MISPRINT_SHARE = 0.3


# ---------------------------------------------------------------- Table 3's arithmetic

T3_INTAKE = ("new_received", "carried_over")


def t3_columns_hold(rows: dict[str, tuple[int, ...]], layout: str) -> bool:
    """Table 3's rules across rows, in every column: the outcome rows add up to (七)总计, and
    一 + 二 = 三(七) + 四."""
    outcomes = t3_outcomes(layout)
    return all(
        sum(rows[code][c] for code in outcomes) == rows["total_handled"][c]
        and rows["new_received"][c] + rows["carried_over"][c] == rows["total_handled"][c] + rows["carried_forward"][c]
        for c in range(len(T3_COLUMNS))
    )


# ---------------------------------------------------------------- agencies


@dataclass(frozen=True)
class Agency:
    name: str
    kind: str  # province_dept | city_gov | county_gov | county_dept | street
    province: str
    city: str | None
    county: str | None


_DEPARTMENTS = (
    "财政局",
    "教育局",
    "卫生健康委员会",
    "市场监督管理局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "自然资源局",
    "人力资源和社会保障局",
    "民政局",
    "司法局",
    "审计局",
    "统计局",
    "应急管理局",
    "商务局",
    "水利局",
    "文化和旅游局",
    "医疗保障局",
    "林业局",
)
_PROVINCE_DEPTS = ("财政厅", "教育厅", "交通运输厅", "自然资源厅", "民政厅", "司法厅", "商务厅", "水利厅")
_STREETS = (
    "繁荣",
    "新华",
    "和平",
    "建设",
    "解放",
    "胜利",
    "东风",
    "红旗",
    "文化",
    "向阳",
    "长安",
    "光明",
    "团结",
    "幸福",
    "永安",
    "太平",
    "新兴",
    "北关",
    "南关",
    "西城",
    "东城",
    "站前",
    "新陶",
    "兴隆",
)
_NOT_PLACES = {"市辖区", "县", "城区", "郊区", "矿区", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@lru_cache(maxsize=1)
def _divisions() -> list[tuple[str, str | None, str]]:
    """(province, city or None, county) of every county-level division in cpca's adcodes.csv."""
    spec = importlib.util.find_spec("cpca")
    path = os.path.join(spec.submodule_search_locations[0], "resources", "adcodes.csv")
    with open(path, encoding="utf-8") as f:
        names = {row[0][:6]: row[1] for row in csv.reader(f) if row and row[0].isdigit()}
    out = []
    for code, name in sorted(names.items()):
        if code.endswith("00") or name in _NOT_PLACES:
            continue
        city = names.get(code[:4] + "00")
        out.append((names.get(code[:2] + "0000", ""), None if city in _NOT_PLACES else city, name))
    return out


def agency_of(combo: tuple[int, int]) -> Agency:
    division, variant = combo
    province, city, county = _divisions()[division]
    prefix = city or province
    if variant < len(_DEPARTMENTS):
        return Agency(f"{prefix}{county}{_DEPARTMENTS[variant]}", "county_dept", province, city, county)
    variant -= len(_DEPARTMENTS)
    if variant < len(_STREETS):
        return Agency(f"{prefix}{_STREETS[variant]}街道", "street", province, city, county)
    variant -= len(_STREETS)
    if variant == 0:
        return Agency(f"{prefix}{county}人民政府", "county_gov", province, city, county)
    if variant == 1 and city:
        return Agency(f"{city}人民政府办公室", "city_gov", province, city, None)
    return Agency(f"{province}{_PROVINCE_DEPTS[variant % len(_PROVINCE_DEPTS)]}", "province_dept", province, None, None)


_VARIANTS = len(_DEPARTMENTS) + len(_STREETS) + 2


@lru_cache(maxsize=4)
def _agency_order(seed: int) -> list[tuple[int, int]]:
    # Counties and department variants cover ~150,000 names; higher levels would repeat, so they
    # are drawn rarely (variant index past the county ones) and repeats are accepted.
    combos = [(d, v) for d in range(len(_divisions())) for v in range(_VARIANTS)]
    random.Random(f"{seed}:agencies").shuffle(combos)
    return combos


# ---------------------------------------------------------------- the reports to write


@dataclass
class Report:
    """One file to write and its ground truth."""

    stem: str
    agency: Agency | None
    year: int | None
    doc_type: str
    layout: str | None
    form: str
    is_template: bool = False
    broken_rule: str | None = None
    t2: dict[tuple[str, str], float | int | None] = field(default_factory=dict)
    t3: dict[str, list[int | None]] = field(default_factory=dict)  # code -> 7 cells
    t4: dict[str, list[int]] = field(default_factory=dict)  # group -> 5 cells
    publish_date: str = ""
    label_typos: list[str] = field(default_factory=list)  # kinds of misprint the file carries


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    x = rng.random() * sum(s for _, s in shares)
    for name, share in shares:
        x -= share
        if x < 0:
            return name
    return shares[-1][0]


def layout_of(year: int) -> str:
    return "freeform" if year <= 2018 else "2019" if year <= 2020 else "2021"


# How many applications an agency of a kind sees in a year (order of magnitude).
_SCALE = {"street": 2, "county_dept": 8, "county_gov": 40, "city_gov": 300, "province_dept": 1500}
_APPLICANT_WEIGHTS = (0.72, 0.12, 0.01, 0.02, 0.05, 0.08)
_OUTCOME_WEIGHTS = {
    "granted": 0.38,
    "partially_granted": 0.08,
    "denied_state_secret": 0.005,
    "denied_prohibited_by_law": 0.01,
    "denied_security_stability": 0.005,
    "denied_third_party_rights": 0.01,
    "denied_internal_affairs": 0.02,
    "denied_process_information": 0.02,
    "denied_enforcement_files": 0.01,
    "denied_administrative_inquiry": 0.02,
    "unavailable_not_held": 0.22,
    "unavailable_needs_creation": 0.04,
    "unavailable_unclear_after_correction": 0.02,
    "not_handled_petition_complaint": 0.03,
    "not_handled_repeated": 0.02,
    "not_handled_publication": 0.005,
    "not_handled_mass_repeated": 0.01,
    "not_handled_confirmation": 0.005,
    "other_no_correction": 0.03,
    "other_fee_unpaid": 0.002,
    "other_other": 0.03,
    "other_handling": 0.06,
}


def table3(rng: random.Random, layout: str, carried_over: list[int], scale: int) -> dict[str, list[int]]:
    """A consistent Table 3: outcome rows drawn per applicant column, totals by the layout's
    arithmetic, new_received from the balance rule (raised outcomes keep it non-negative)."""
    quiet = scale <= 2 and rng.random() < 0.7  # most streets receive nothing at all
    outcomes = {code: [0] * 6 for code in t3_outcomes(layout)}
    forward = [0] * 6
    for c, weight in enumerate(_APPLICANT_WEIGHTS):
        volume = 0 if quiet else int(scale * weight * rng.uniform(0.2, 2.0) + rng.random())
        if volume:
            for code in outcomes:
                share = _OUTCOME_WEIGHTS[code]
                if rng.random() < min(1.0, share * 8):
                    outcomes[code][c] = int(volume * share * rng.uniform(0.5, 1.5) + rng.random())
            forward[c] = int(volume * rng.uniform(0, 0.12))
    handled = [sum(col) for col in zip(*outcomes.values())]
    new = [h + f - o for h, f, o in zip(handled, forward, carried_over)]
    for c, value in enumerate(new):
        if value < 0:  # more carried over than handled: the rest was granted
            outcomes["granted"][c] -= value
            handled[c] -= value
            new[c] = 0
    six = {
        "new_received": new,
        "carried_over": list(carried_over),
        **outcomes,
        "total_handled": handled,
        "carried_forward": forward,
    }
    return {code: [*cells, sum(cells)] for code, cells in six.items()}


def table4(rng: random.Random, scale: int) -> dict[str, list[int]]:
    out = {}
    for group in T4_GROUPS:
        cells = [int(rng.random() < 0.3) * rng.randint(0, max(1, scale // 40)) for _ in range(4)]
        out[group] = [*cells, sum(cells)]
    return out


def table2(rng: random.Random, layout: str, scale: int, kind: str) -> dict[tuple[str, str], float | int | None]:
    # Below the province no one makes 规章: many reports write "/" there.
    no_regulations = kind != "province_dept" and rng.random() < 0.4
    cells: dict[tuple[str, str], float | int | None] = {}
    for _, headers, rows in T2_BLOCKS[layout]:
        for _, row in rows:
            for _, col in headers:
                if row == "regulations" and no_regulations:
                    value: float | int | None = None
                elif col in ("amount_10k_yuan", "procurement_amount"):
                    value = round(rng.uniform(0, scale * 3), rng.choice((0, 2, 4))) if rng.random() < 0.5 else 0
                    value = int(value) if float(value).is_integer() else value
                elif col == "change":
                    value = rng.randint(-3, 3)
                else:
                    value = int(rng.random() < 0.6) * rng.randint(0, scale * 20)
                cells[(row, col)] = value
    return cells


def break_rule(rng: random.Random, report: Report) -> None:
    """Make the report break exactly the named rule (and no other where the layout allows)."""
    t3, d, c = report.t3, rng.randint(1, 5), rng.randrange(6)
    rule = report.broken_rule
    if rule == "table3_total_column":
        t3["granted"][6] += d
    elif rule == "table3_balance":  # new_received off in one column and in the total column
        t3["new_received"][c] += d
        t3["new_received"][6] += d
    elif rule == "table3_outcomes_sum":  # an outcome row off, its total column kept
        t3["unavailable_not_held"][c] += d
        t3["unavailable_not_held"][6] += d
    elif rule == "carried_over_continuity":  # d more carried over and granted: every sum holds
        for code in ("carried_over", "granted", "total_handled"):
            t3[code][c] += d
            t3[code][6] += d
    elif rule == "non_negative_counts":  # -d in one outcome row, +d in another: sums unchanged
        for code, sign in (("denied_internal_affairs", -1), ("granted", 1)):
            t3[code][c] += sign * d
            t3[code][6] += sign * d
    elif rule == "table4_group_total":
        report.t4["review"][4] += d


def _shapes(seed: int, index: int, agency: Agency) -> list[Report]:
    """An agency's documents, without their numbers: an annual report for each year from its
    first up to LATEST_YEAR, plus the odd work summary, self-inspection report or template.
    Drawn from their own random stream, so counting them (planning) costs no table drawing."""
    rng = random.Random(f"{seed}:{index}:shape")
    reports: list[Report] = []
    for year in range(rng.randint(FIRST_YEAR, LATEST_YEAR - 2), LATEST_YEAR + 1):
        stem, layout = f"{index:06d}_{year}", layout_of(year)
        forms = PROSE_FORMS if layout == "freeform" else TABLE_FORMS
        reports.append(Report(stem, agency, year, "annual_report", layout, _pick(rng, forms)))
        extra = rng.random()
        if extra < 0.04:
            reports.append(Report(f"{stem}_summary", agency, year, "work_summary", None, _pick(rng, PROSE_FORMS)))
        elif extra < 0.06:
            reports.append(Report(f"{stem}_selfcheck", agency, year, "self_inspection", None, _pick(rng, PROSE_FORMS)))
        elif extra < 0.07:
            kind = rng.choice(("work_summary", "self_inspection"))
            reports.append(
                Report(f"{stem}_template", None, None, kind, None, _pick(rng, PROSE_FORMS), is_template=True)
            )
    for r in reports:
        r.publish_date = f"{(r.year or LATEST_YEAR) + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    return reports


def _plan_agency(seed: int, index: int, combo: tuple[int, int], budget: int) -> list[Report]:
    """The agency's first `budget` documents with their tables. Years follow each other, so each
    annual report carries over what the one before carried forward."""
    rng = random.Random(f"{seed}:{index}:numbers")
    agency = agency_of(combo)
    scale = _SCALE[agency.kind]
    reports = _shapes(seed, index, agency)[:budget]
    carried = [0] * 6
    for r in reports:
        if r.doc_type != "annual_report" or r.layout == "freeform":
            continue
        r.t3 = table3(rng, r.layout, carried, scale)
        r.t4 = table4(rng, scale)
        r.t2 = table2(rng, r.layout, scale, agency.kind)
        if rng.random() < BROKEN_SHARE:
            r.broken_rule = rng.choice(RULES)
            break_rule(rng, r)
        carried = r.t3["carried_forward"][:6]
    return reports


# ---------------------------------------------------------------- style of one file


@dataclass(frozen=True)
class Style:
    thousands: bool  # 1,234
    fullwidth: bool  # ０-９ (text forms only)
    null_marker: str  # what an unfilled cell shows
    blank_zeros: bool  # outcome zeros left unfilled (shown as null_marker)
    total_word: str  # 总计 | 合计
    brackets: str  # "()" | "（）"
    keep_numbers: bool  # labels keep their 序号 (1. 2. ...)
    chrome: bool
    blank_lines: bool
    blank_rows: tuple[str, ...] = ()  # rows of zeros printed as a bare label (one-line pages)


def style_for(rng: random.Random, report: Report) -> Style:
    glued = report.form in GLUED_FORMS
    return Style(
        # Glued runs are plain digits on real pages: a separator would be read as a cell boundary.
        thousands=not glued and rng.random() < 0.5,
        fullwidth=report.form in ("text_cells", "text_rows") and rng.random() < 0.1,
        null_marker=rng.choice(("/", "—", "-", "无")),
        # Glued runs are split by the arithmetic, which unfilled cells would leave undecidable.
        blank_zeros=not glued and report.broken_rule is None and rng.random() < 0.05,
        total_word=rng.choice(("总计", "总计", "合计")),
        # The archive's text dumps keep the pages' full-width brackets.
        brackets="（）" if report.form == "text_oneline" else rng.choice(("()", "()", "（）")),
        keep_numbers=rng.random() < 0.85,
        chrome=rng.random() < 0.7,
        blank_lines=rng.random() < 0.5,
        blank_rows=_blank_rows(rng, report) if report.form == "text_oneline" else (),
    )


def _blank_rows(rng: random.Random, report: Report) -> tuple[str, ...]:
    """A few outcome rows of zeros that the page prints as a label with no digits at all (real
    002's (六)2 and 3): whole rows unfilled, so no glued run loses its cell count."""
    if not report.t3 or rng.random() >= 0.15:
        return ()
    zeros = [code for code in t3_outcomes(report.layout) if not any(report.t3[code])]
    return tuple(rng.sample(zeros, min(len(zeros), rng.randint(1, 3))))


def apply_blank_zeros(report: Report, style: Style) -> None:
    """Unfilled outcome cells are null in the ground truth: the report printed no number."""
    if style.blank_zeros:
        for code in t3_outcomes(report.layout):
            report.t3[code] = [None if v == 0 and i < 6 else v for i, v in enumerate(report.t3[code])]
    for code in style.blank_rows:
        report.t3[code] = [None] * len(T3_COLUMNS)


def fmt(value: int | float | None, style: Style) -> str:
    if value is None:
        return style.null_marker
    if isinstance(value, float):
        return f"{value:,}" if style.thousands and value >= 1000 else repr(value)
    return f"{value:,}" if style.thousands and value >= 1000 else str(value)


def label(text: str, style: Style) -> str:
    if not style.keep_numbers and text[:2] in {f"{i}." for i in range(1, 9)} and text != "3.其他":
        text = text[2:]
    if style.total_word != "总计":
        text = text.replace("总计", style.total_word)
    if style.brackets == "（）":
        text = text.replace("(", "（").replace(")", "）")
    return text


# ---------------------------------------------------------------- prose

_PROSE = (
    "{y}年,{a}深入贯彻落实《中华人民共和国政府信息公开条例》,主动公开政府信息{n1}条,其中政策文件{n2}条。",
    "全年通过政府网站发布工作动态{n1}条,政策解读{n3}篇,浏览量达{n4}次。",
    "完善依申请公开工作流程,全年受理政府信息公开申请{n2}件,均在法定期限内答复。",
    "组织政务公开业务培训{n3}次,参训人员{n2}人次,进一步提升了工作人员的业务能力。",
    "收到投诉建议共{n3}件,回复{n3}件,回复率100%。",
    "办理人大代表建议{n3}件、政协委员提案{n2}件,办复率均为100%。",
    "坚持以公开为常态、不公开为例外,推进决策、执行、管理、服务、结果公开,保障人民群众的知情权、参与权和监督权。",
    "加强政府信息公开平台建设,规范栏目设置,及时更新机构职能、财政预决算、重大项目等重点领域信息。",
)
_PROBLEMS = ("存在的主要问题是公开内容不够全面,信息更新不够及时。下一步将加强培训,完善制度,提升公开质量。",)
_OTHERS = ("本年度未收取信息处理费。", "无其他需要报告的事项。")


def prose(rng: random.Random, agency: str, year: int, paragraphs: int) -> list[str]:
    out = []
    for _ in range(paragraphs):
        template = rng.choice(_PROSE)
        out.append(
            template.format(
                y=year,
                a=agency,
                n1=rng.randint(20, 3000),
                n2=rng.randint(1, 60),
                n3=rng.randint(1, 30),
                n4=rng.randint(1000, 900000),
            )
        )
    return out


def signing_date(report: Report) -> str:
    """The date under the signature, as reports print it (2024年1月20日)."""
    year, month, day = report.publish_date.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def title_of(report: Report) -> str:
    a, y = (report.agency.name if report.agency else "xx县xx局"), (report.year or "xxxx")
    if report.doc_type == "work_summary":
        return f"{a}{y}年政务公开工作总结"
    if report.doc_type == "self_inspection":
        return f"{a}{y}年政务公开工作自查报告"
    return f"{a}{y}年政府信息公开工作年度报告"


def template_body() -> list[str]:
    return [
        "根据上级要求,现将xxxx年度政务公开工作自查情况报告如下:",
        "一、基本情况",
        "本年度主动公开政府信息xx条,其中政策文件xx条,工作动态xx条。",
        "受理依申请公开xx件,按时答复xx件。",
        "二、存在问题",
        "部分栏目更新不及时。",
        "三、下一步工作",
        "xx县xx局",
        "xxxx年xx月xx日",
        "免责声明:本文档来源于网络整理,如产生版权问题请联系删除。",
    ]


def chrome_head(report: Report) -> list[str]:
    source = report.agency.name if report.agency else "网络整理"
    return [
        "首页 > 政务公开 > 政府信息公开年报",
        f"索引号:{zlib.crc32(report.stem.encode()):010d}-{report.year or 0}",
        f"发布机构:{source}",
        f"发布时间:{report.publish_date} 09:30",
        f"来源:{source}",
        "字体:[大 中 小]",
    ]


CHROME_FOOT = ["上一篇:关于公开征求意见的公告", "版权所有:人民政府办公室 主办", "备案号:辽ICP备05012345号-1"]


# ---------------------------------------------------------------- table renderings


def t2_lines_cells(report: Report, style: Style) -> list[str]:
    out = []
    for item, headers, rows in T2_BLOCKS[report.layout]:
        out += [item, "信息内容", *(h for h, _ in headers)]
        for row_label, row in rows:
            out += [row_label, *(fmt(report.t2[(row, col)], style) for _, col in headers)]
    return out


def t3_printed(report: Report, style: Style) -> Iterator[tuple[str | None, str | None, str, list[str]]]:
    """(major label, group label, row label, cell texts) in printed order."""
    for group, text, code in t3_rows(report.layout):
        major = T3_MAJOR if code == "granted" else None
        cells = [fmt(v, style) for v in report.t3[code]]
        yield major, (label(group, style) if group else None), label(text, style), cells


def t3_header(style: Style) -> list[str]:
    return [*T3_HEADER[:3], style.total_word, *T3_HEADER[4:]]


def t4_cells(report: Report, style: Style) -> list[str]:
    return [fmt(v, style) for g in T4_GROUPS for v in report.t4[g]]


def body_lines(
    report: Report, rng: random.Random, style: Style, tables: dict[int, list[str]], paragraphs: int
) -> list[str]:
    """The report's lines with each table's lines placed under its section heading."""
    name = report.agency.name
    lines = [title_of(report)]
    lines += [SECTIONS[0], *prose(rng, name, report.year, paragraphs)]
    lines += [SECTIONS[1], *tables.get(2, [])]
    lines += [SECTIONS[2], *tables.get(3, [])]
    lines += [SECTIONS[3], *tables.get(4, [])]
    lines += [SECTIONS[4], rng.choice(_PROBLEMS), SECTIONS[5], rng.choice(_OTHERS)]
    lines += [name, signing_date(report)]
    return lines


def text_tables(report: Report, style: Style, form: str) -> dict[int, list[str]]:
    if form == "text_cells":
        t3 = [T3_NOTE, *t3_header(style)]
        for major, group, text, cells in t3_printed(report, style):
            t3 += [x for x in (major, group) if x] + [text, *cells]
        return {2: t2_lines_cells(report, style), 3: t3, 4: [*T4_HEADER, *t4_cells(report, style)]}
    t2 = []
    for item, headers, rows in T2_BLOCKS[report.layout]:
        t2 += [item, " ".join(["信息内容", *(h for h, _ in headers)])]
        t2 += [
            " ".join([row_label, *(fmt(report.t2[(row, col)], style) for _, col in headers)]) for row_label, row in rows
        ]
    codes = [code for _, _, code in t3_rows(report.layout)]
    if form == "text_glued":  # each row's seven cells and Table 4's fifteen as one run
        runs, t4 = t3_runs(report, style, dict.fromkeys(codes, (7,))), t4_run(report, style, (15,))
    else:
        runs = {code: cells for code, (*_, cells) in zip(codes, t3_printed(report, style))}
        t4 = t4_cells(report, style)
    t3 = [" ".join(t3_header(style))]
    for code, (major, group, text, _) in zip(codes, t3_printed(report, style)):
        t3.append(" ".join([x for x in (major, group) if x] + [text, *runs[code]]))
    return {2: t2, 3: t3, 4: [" ".join(T4_HEADER), " ".join(t4)]}


def _md(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


_MD_T4_HEAD = (_md(["行政复议", "", "", "", "", "行政诉讼"]), _md(["---"] * 6), _md(list(T4_HEADER[2:])))


def markdown_tables(report: Report, style: Style) -> dict[int, list[str]]:
    t2 = []
    for item, headers, rows in T2_BLOCKS[report.layout]:
        t2 += [_md([item]), _md(["信息内容", *(h for h, _ in headers)]), _md(["---"] * (1 + len(headers)))]
        t2 += [_md([row_label, *(fmt(report.t2[(row, col)], style) for _, col in headers)]) for row_label, row in rows]
    t3 = [
        _md(["申请人情况", "", "", "自然人", "法人或其他组织", "", "", "", "", style.total_word]),
        _md(["---"] * 10),
        _md(["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]),
    ]
    for major, group, text, cells in t3_printed(report, style):
        t3.append(_md([major or "", group or "", text, *cells]))
    return {2: t2, 3: t3, 4: [*_MD_T4_HEAD, _md(t4_cells(report, style))]}


# The three label columns of Table 3 as the templates merge them: intake rows span all three;
# "三、本年度办理结果" spans every outcome row and the total; a group label ((三)不予公开 …) spans
# its numbered rows; an outcome row outside a group spans the last two columns.
_STANDALONE = {"granted", "partially_granted", "other_handling", "total_handled"}
LabelCell = tuple[int, str, int, int]  # (column, text, rowspan, colspan)


def _group_sizes(layout: str) -> dict[str, int]:
    sizes, current = {}, None
    for group, _, code in t3_rows(layout):
        if code in _STANDALONE or code in T3_INTAKE or code == "carried_forward":
            current = None
        elif group:
            current = code
            sizes[code] = 0
        if current:
            sizes[current] += 1
    return sizes


def t3_label_cells(report: Report, style: Style) -> list[tuple[list[LabelCell], list[str]]]:
    """Per printed row: its label cells (where each starts and how far it spans) and values."""
    sizes = _group_sizes(report.layout)
    major_span = len(t3_outcomes(report.layout)) + 1
    out, left = [], 0
    for (_, _, code), (major, group, text, cells) in zip(t3_rows(report.layout), t3_printed(report, style)):
        if code in T3_INTAKE or code == "carried_forward":
            out.append(([(0, text, 1, 3)], cells))
            continue
        labels: list[LabelCell] = [(0, major, major_span, 1)] if major else []
        if group:
            left = sizes[code] - 1
            labels += [(1, group, sizes[code], 1), (2, text, 1, 1)]
        elif left > 0 and code not in _STANDALONE:
            left -= 1
            labels.append((2, text, 1, 1))
        else:
            labels.append((1, text, 1, 2))
        out.append((labels, cells))
    return out


@lru_cache(maxsize=65536)
def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}><p>{escape(text)}</p></td>"


def html_tables(report: Report, style: Style) -> dict[int, list[str]]:
    t2 = ['<table border="1" cellspacing="0">']
    for item, headers, rows in T2_BLOCKS[report.layout]:
        t2.append(f"<tr>{_td(item, colspan=len(headers) + 1)}</tr>")
        t2.append("<tr>" + _td("信息内容") + "".join(_td(h) for h, _ in headers) + "</tr>")
        for row_label, row in rows:
            t2.append(
                "<tr>" + _td(row_label) + "".join(_td(fmt(report.t2[(row, c)], style)) for _, c in headers) + "</tr>"
            )
    t2.append("</table>")
    t3 = [
        '<table border="1" cellspacing="0">',
        "<tr>"
        + _td(T3_NOTE + "申请人情况", 2, 3)
        + _td("自然人", 2)
        + _td("法人或其他组织", colspan=5)
        + _td(style.total_word, 2)
        + "</tr>",
        "<tr>" + "".join(_td(h) for h in t3_header(style)[4:]) + "</tr>",
    ]
    for labels, cells in t3_label_cells(report, style):
        t3.append(
            "<tr>" + "".join(_td(t, rs, cs) for _, t, rs, cs in labels) + "".join(_td(c) for c in cells) + "</tr>"
        )
    t3.append("</table>")
    t4 = [
        '<table border="1" cellspacing="0">',
        "<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>",
        "<tr>"
        + "".join(_td(h, 2) for h in T4_HEADER[2:7])
        + _td("未经复议直接起诉", colspan=5)
        + _td("复议后起诉", colspan=5)
        + "</tr>",
        "<tr>" + "".join(_td(h) for h in T4_HEADER[9:]) + "</tr>",
        "<tr>" + "".join(_td(c) for c in t4_cells(report, style)) + "</tr>",
        "</table>",
    ]
    return {2: t2, 3: t3, 4: t4}


def html_page(title: str, lines: list[str], head: list[str], foot: list[str], charset: str) -> str:
    body = "\n".join(line if line.startswith(("<t", "</t")) else f"<p>{escape(line)}</p>" for line in lines)
    return (
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{escape(title)}</title><style>td{{border:1px solid #000}}</style></head><body>\n"
        f'<div class="crumbs">{"".join(f"<span>{escape(h)}</span><br>" for h in head)}</div>\n'
        f'<div class="article">\n{body}\n</div>\n'
        f'<div class="footer">{"".join(f"<p>{escape(f)}</p>" for f in foot)}</div>'
        "<script>var _hmt = _hmt || [];</script></body></html>\n"
    )


# ---------------------------------------------------------------- glued runs


def _tokens(cells: list[str], sizes: tuple[int, ...]) -> list[str]:
    """The cells run together in tokens of `sizes` cells each: ['2','0','0'], (1, 2) -> ['2', '00']."""
    out, start = [], 0
    for size in sizes:
        out.append("".join(cells[start : start + size]))
        start += size
    return out


def _glueable(cells: list[str]) -> bool:
    # Only plain digits run together on real pages; a sign, a decimal point or a null marker
    # keeps its spaces (and glued, would make the run unreadable).
    return all(c.isascii() and c.isdigit() for c in cells)


def readable_runs(
    printed: dict[str, list[str]],
    sizes: dict[str, tuple[int, ...]],
    truth: dict[str, list],
    width: int | None,
    joint_rule,
) -> dict[str, list[str]]:
    """Each row's tokens, its cells glued as `sizes` says, except where a reader could not then
    settle the split (readings.unsettled): those rows are printed spaced, so the truth never
    holds a split the page does not fix. A row with every cell unfilled prints no digits.
    `width` is the row's (or Table 4 group's) totalled width, None for Table 2's rows."""
    tokens: dict[str, list[str]] = {}
    candidates: dict[str, list[tuple] | None] = {}
    for code, cells in printed.items():
        values = truth[code]
        if all(v is None for v in values):
            tokens[code], candidates[code] = [], [(0,) * len(values)]
        elif _glueable(cells):
            tokens[code] = _tokens(cells, sizes[code])
            # A row breaking its own total (on purpose) is split by the digits alone.
            totalled = width if width is not None and readings.totals_hold(values, width) else None
            candidates[code] = readings.candidates(tokens[code], len(cells), totalled)
        else:
            tokens[code], candidates[code] = list(cells), [tuple(0 if v is None else v for v in values)]
    for code in readings.unsettled(candidates, joint_rule):
        tokens[code] = list(printed[code])
    return tokens


def t3_runs(report: Report, style: Style, sizes: dict[str, tuple[int, ...]]) -> dict[str, list[str]]:
    """Table 3's rows as readable glued runs. The column rules settle rows only when the report
    keeps them: a reader assuming a broken rule would pick a wrong split."""
    codes = [code for _, _, code in t3_rows(report.layout)]
    printed = {code: cells for code, (*_, cells) in zip(codes, t3_printed(report, style))}
    values = {code: tuple(0 if v is None else v for v in report.t3[code]) for code in codes}
    joint = partial(t3_columns_hold, layout=report.layout) if t3_columns_hold(values, report.layout) else None
    return readable_runs(printed, sizes, report.t3, len(T3_COLUMNS), joint)


def t4_run(report: Report, style: Style, sizes: tuple[int, ...]) -> list[str]:
    """Table 4's fifteen cells as one readable run (its groups' totals settle the split)."""
    values = [v for g in T4_GROUPS for v in report.t4[g]]
    return readable_runs({"t4": t4_cells(report, style)}, {"t4": sizes}, {"t4": values}, len(T4_COLUMNS), None)["t4"]


# ---------------------------------------------------------------- the archive's one-line page

# How real one-line pages space a Table 3 row's seven cells (cells per token): '1000001'
# (002-006), '0 0 0 0 0 00' (001), '20 0 0 0 02' (014), '2100000 21' (007), '1 0 0 0 0 0 1'
# (015); a report's shares follow those counts (6 of the 10 glue whole rows).
T3_SPACINGS = ((7,), (1, 1, 1, 1, 1, 2), (2, 1, 1, 1, 2), (6, 1), (1,) * 7)
T3_SPACING_SHARES = (0.55, 0.15, 0.1, 0.1, 0.1)
# A row keeps its report's spacing this often, else takes any (007 and 016 mix them).
T3_SPACING_KEPT = 0.85
_ONELINE_INTRO = (
    "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)要求,结合工作实际,编制本报告。"
    "本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
)


def _space(rng: random.Random, share: float = 0.1) -> str:
    """A stray space, where real one-line pages sometimes have one."""
    return " " if rng.random() < share else ""


def _t3_spacings(rng: random.Random, codes: list[str]) -> dict[str, tuple[int, ...]]:
    main = rng.choices(T3_SPACINGS, T3_SPACING_SHARES)[0]
    return {code: main if rng.random() < T3_SPACING_KEPT else rng.choice(T3_SPACINGS) for code in codes}


def _t4_spacing(rng: random.Random) -> tuple[int, ...]:
    """Table 4's fifteen cells: one run ('315090000000000', 002-007), spaced (015), or glued in
    ones and twos ('00 0 00 0 0 0 00 0 0 0 00', 001 and 014)."""
    kind = rng.random()
    if kind < 0.6:
        return (15,)
    if kind < 0.75:
        return (1,) * 15
    sizes: list[int] = []
    while sum(sizes) < 15:
        sizes.append(min(rng.choice((1, 2)), 15 - sum(sizes)))
    return tuple(sizes)


def oneline_t2(report: Report, style: Style, rng: random.Random) -> str:
    """'第二十条第（一）项信息内容本年制发件数…规章000行政规范性文件303第二十条…': values glued
    after their row label, or spaced after it (015: '规章 0 0 0')."""
    glued = rng.random() < 0.85
    out = []
    for item, headers, rows in T2_BLOCKS[report.layout]:
        out += [label(item, style), "信息内容", *(label(h, style) for h, _ in headers)]
        width = len(headers)
        runs = readable_runs(
            {row: [fmt(report.t2[(row, c)], style) for _, c in headers] for _, row in rows},
            {row: (width,) if glued else (1,) * width for _, row in rows},
            {row: [report.t2[(row, c)] for _, c in headers] for _, row in rows},
            None,
            None,
        )
        out += [row_label + ("" if glued or not runs[row] else " ") + " ".join(runs[row]) for row_label, row in rows]
    return "".join(out)


def oneline_t3(report: Report, style: Style, rng: random.Random) -> str:
    """The note and the header words running into each other, then each row's labels and its
    run. The next label follows the last digit directly, so its 序号 sticks to it
    ('…00000002.其他法律行政法规禁止公开')."""
    codes = [code for _, _, code in t3_rows(report.layout)]
    runs = t3_runs(report, style, _t3_spacings(rng, codes))
    out = [label(T3_NOTE, style), *(word + _space(rng) for word in t3_header(style))]
    for code, (major, group, text, _) in zip(codes, t3_printed(report, style)):
        digits = " ".join(runs[code])
        out.append(
            "".join(x for x in (major, group, text) if x) + (_space(rng) + digits + _space(rng) if digits else "")
        )
    return "".join(out)


def oneline_t4(report: Report, style: Style, rng: random.Random) -> str:
    return "".join(T4_HEADER) + _space(rng, 0.3) + " ".join(t4_run(report, style, _t4_spacing(rng)))


def oneline_body(report: Report, rng: random.Random, style: Style) -> str:
    """An annual report's body with its tables, run together as its one-line page prints it."""
    name = report.agency.name
    pieces = [title_of(report) + " "] if rng.random() < 0.5 else []  # 002-004 and 007 start without it
    pieces += [_ONELINE_INTRO.format(y=report.year), SECTIONS[0], *prose(rng, name, report.year, rng.randint(2, 5))]
    pieces += [SECTIONS[1], oneline_t2(report, style, rng)]
    if rng.random() < 0.3:  # prose between Table 2 and section 三, as in 001 and 014
        pieces.append(" (二)主动公开政府信息的主要类别 " + prose(rng, name, report.year, 1)[0])
    pieces += [SECTIONS[2], oneline_t3(report, style, rng), SECTIONS[3], oneline_t4(report, style, rng)]
    pieces += [SECTIONS[4], rng.choice(_PROBLEMS), SECTIONS[5], rng.choice(_OTHERS), f" {name} {signing_date(report)}"]
    return "".join(pieces)


def _archive_header(report: Report, rng: random.Random, title: str, stamp: str) -> str:
    """The metadata block the archive writes above every page's text."""
    owner = report.agency.name if report.agency else ""
    parent = f"{report.agency.city or report.agency.province}人民政府" if report.agency else ""
    # 发布机构 is not always the reporting organ: blank, or the government above it (001, 004, 006).
    publisher = rng.choices((owner, "", parent), (0.7, 0.15, 0.15))[0]
    doc_id = zlib.crc32(report.stem.encode()) % 1_000_000
    folder = f"zwgk/zfxxgk/{zlib.crc32(owner.encode()):08x}/zfxxgknb/{report.publish_date[:7].replace('-', '')}"
    # The link's date is the upload's, a few days off the 发布时间 now and then (007).
    linked = date.fromisoformat(report.publish_date) + timedelta(days=rng.choice((0, 0, 0, 0, 1, 3, 9)))
    site = f"www.gov{zlib.crc32((parent or owner).encode()) % 100_000:05d}.gov.cn"
    return (
        f"标题: {title}\n发布时间: {stamp}\n文号: \n发布机构: {publisher}\n栏目: 政府信息公开年报\n"
        f"原文链接: https://{site}/{folder}/t{linked:%Y%m%d}_{doc_id}.htm\n本地目录: {folder}/{doc_id}_{title}\n"
        "页面链接与图片详见 links.tsv(同目录)\n==================== 正文 ====================\n"
    )


def oneline_page(report: Report, rng: random.Random, style: Style, body: str) -> str:
    """The archive's text dump of a portal page (real-reports/raw/*.txt): its metadata header,
    then the whole body, the page's chrome included, on one line with no line end."""
    title = title_of(report)
    stamp = f"{report.publish_date} {rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}"
    if style.chrome:
        owner = report.agency.name if report.agency else "网络整理"
        source = rng.choice(("", owner))
        body = (
            f"当前位置： 首页政务公开政府信息公开{owner}政府信息公开年报 {title} 来源：{source} 时间：{stamp} --> "
            f"微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： {body} 附件下载"
        )
    return _archive_header(report, rng, title, stamp) + body


# ---------------------------------------------------------------- markdown from a PDF converter

# Share of Table 3 rows a converter lays out unusually (never two in a row, see _pdf_row_shape).
PDF_ODD_ROW_SHARE = 0.3
_LABEL_NUMBER = re.compile(r"^(?:\d\.|[(（][一二三四五六七][)）])")


def _wrap_points(text: str) -> range:
    """Where a label may break over two lines: inside its words, never inside its 序号."""
    number = _LABEL_NUMBER.match(text)
    return range((number.end() if number else 0) + 1, len(text))


def _pdf_row_shape(rng: random.Random, labels: list[str], previous: str) -> str:
    """How the converter lays out a Table 3 row: 'plain' (label and values in one row), the
    values in an unlabelled row just after or just before the label's, the label wrapped over
    two rows, or split over two cells. Two odd rows never touch, so an unlabelled row of
    values always lies between its own label and a row holding its own values: a reader can
    tell whose values it is."""
    if previous != "plain" or rng.random() >= PDF_ODD_ROW_SHARE:
        return "plain"
    shapes = ["values_after", "values_before"]
    if len(_wrap_points(labels[2])) > 0:
        shapes.append("label_wrapped")
        if not labels[1]:  # the group column is free to take the label's first half
            shapes.append("label_in_two_cells")
    return rng.choice(shapes)


def _pdf_t3_row(rng: random.Random, labels: list[str], cells: list[str], shape: str) -> list[list[str]]:
    blank, unlabelled = [""] * len(cells), ["", "", ""]
    if shape == "plain":
        return [[*labels, *cells]]
    if shape == "values_after":
        return [[*labels, *blank], [*unlabelled, *cells]]
    if shape == "values_before":
        return [[*unlabelled, *cells], [*labels, *blank]]
    cut = rng.choice(_wrap_points(labels[2]))
    head, tail = labels[2][:cut], labels[2][cut:]
    if shape == "label_in_two_cells":
        return [[labels[0], head, tail, *cells]]
    rows = [[labels[0], labels[1], head, *blank], ["", "", tail, *blank]]
    rows[rng.randrange(2)][3:] = cells  # the values sit level with either line of the label
    return rows


def _pdf_t3_header(rng: random.Random, style: Style) -> list[list[str]]:
    """The applicant header as converters scramble it: its words slid left out of their merged
    cells, run into one cell, or the narrow columns' words broken over two rows."""
    words = t3_header(style)
    first = (T3_NOTE + words[0]) if rng.random() < 0.5 else words[0]
    kind = rng.random()
    if kind < 1 / 3:
        return [[first, *words[1:4]], ["---"] * 4, words[4:]]
    if kind < 2 / 3:
        return [[" ".join([first, *words[1:4]])], ["---"], [" ".join(words[4:])]]
    narrow = words[4:]
    return [
        [first, "", "", words[1], words[2], "", "", "", "", words[3]],
        ["---"] * 10,
        ["", "", "", "", *(w[:-1] for w in narrow), ""],
        ["", "", "", "", *(w[-1] for w in narrow), ""],
    ]


def pdf_markdown_tables(report: Report, style: Style, rng: random.Random) -> dict[int, list[str]]:
    """The tables as a PDF-to-markdown converter leaves them: Table 2 rows with fewer cells than
    columns (blank cells dropped, or the values run into one cell), Table 3 with a scrambled
    header and odd rows (_pdf_row_shape), Table 4's fifteen numbers in one row."""
    t2 = []
    for item, headers, rows in T2_BLOCKS[report.layout]:
        t2 += [_md([item]), _md(["---"]), _md(["信息内容", *(h for h, _ in headers)])]
        for row_label, row in rows:
            values = [report.t2[(row, c)] for _, c in headers]
            cells = [fmt(v, style) for v in values]
            if all(v is None for v in values):
                cells = []
            elif len(cells) > 1 and rng.random() < 0.3:
                cells = [" ".join(cells)]
            t2.append(_md([row_label, *cells]))
    t3 = [_md(r) for r in _pdf_t3_header(rng, style)]
    shape = "plain"
    for major, group, text, cells in t3_printed(report, style):
        labels = [major or "", group or "", text]
        shape = _pdf_row_shape(rng, labels, shape)
        t3 += [_md(r) for r in _pdf_t3_row(rng, labels, cells, shape)]
    t4_head = [*_MD_T4_HEAD] if rng.random() < 0.5 else [_md([" ".join(T4_HEADER)]), _md(["---"])]
    return {2: t2, 3: t3, 4: [*t4_head, _md(t4_cells(report, style))]}


# ---------------------------------------------------------------- misprinted labels

# kind -> (as printed, as misprinted), from the real reports.
_MISPRINTS = {
    "gouji": ("勾稽", "钩稽"),
    "xingzhengfa_fuyi": ("政府信息公开行政复议", "政府信息公开行政法复议"),  # 003
    "double_numeral": (T3_MAJOR, "三" + T3_MAJOR),  # 005: 三三、本年度办理结果
    "buzi_gongkai": ("不予公开", "不子公开"),
    "unnumbered_other": ("3.其他", "其他"),  # 016
}
_CHAR_MISPRINTS = ("dropped_char", "swapped_chars")
# A row label with fewer characters than this ((七)总计, 3.其他) is not given a character misprint.
_CHAR_MISPRINT_MIN_CJK = 4


def _cjk(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]


def _misprint_char(rng: random.Random, text: str, kind: str) -> str:
    """A label with one character dropped, or two neighbouring ones swapped. Only characters:
    a digit or the dot of a 序号 is never touched, so no glued run changes."""
    spots = _cjk(text)
    if kind == "dropped_char":
        i = rng.choice(spots)
        return text[:i] + text[i + 1 :]
    i = rng.choice([i for i in spots if i + 1 in spots and text[i] != text[i + 1]])
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def misprints(rng: random.Random, report: Report, style: Style) -> list[tuple[str, str, str]]:
    """One to three misprints for a report: (kind, as printed, as misprinted)."""
    labels = [
        t
        for t in (label(text, style) for _, text, _ in t3_rows(report.layout))
        if len(_cjk(t)) >= _CHAR_MISPRINT_MIN_CJK
    ]
    out = []
    for kind in rng.sample([*_MISPRINTS, *_CHAR_MISPRINTS], rng.randint(1, 3)):
        if kind in _MISPRINTS:
            out.append((kind, *_MISPRINTS[kind]))
        else:
            text = rng.choice(labels)
            out.append((kind, text, _misprint_char(rng, text, kind)))
    return out


def apply_misprints(text: str, chosen: list[tuple[str, str, str]]) -> tuple[str, list[str]]:
    """The text with each misprint whose printed words occur exactly once (so it hits the label
    meant, and one a form does not print, or splits over cells, is not claimed), and the kinds
    applied."""
    applied = []
    for kind, printed, misprinted in chosen:
        if text.count(printed) == 1:
            text = text.replace(printed, misprinted)
            applied.append(kind)
    return text, sorted(applied)


# ---------------------------------------------------------------- scripts and encodings

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Toned pinyin of common traditional characters, for the annotated dumps (seed 001's 區(qū)).
_PINYIN = {
    "區": "qū",
    "經": "jīng",
    "開": "kāi",
    "務": "wù",
    "發": "fā",
    "時": "shí",
    "間": "jiān",
    "來": "lái",
    "報": "bào",
    "請": "qǐng",
    "申": "shēn",
    "總": "zǒng",
    "結": "jié",
    "體": "tǐ",
    "處": "chǔ",
    "數": "shù",
    "據": "jù",
    "縣": "xiàn",
    "國": "guó",
    "條": "tiáo",
    "為": "wéi",
    "進": "jìn",
    "現": "xiàn",
    "將": "jiāng",
    "對": "duì",
    "與": "yǔ",
    "機": "jī",
    "關": "guān",
    "設": "shè",
    "導": "dǎo",
    "單": "dān",
    "會": "huì",
    "業": "yè",
    "門": "mén",
    "網": "wǎng",
}


@lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    # Taiwan standard characters: Big5 lacks OpenCC's default variants (爲, 羣, 衆).
    return OpenCC("s2tw")


@lru_cache(maxsize=65536)
def _line_to_traditional(line: str) -> str:
    return _s2t().convert(line)


def to_traditional(text: str) -> str:
    # Line by line with a cache: labels, headings and chrome repeat in every file.
    return "\n".join(map(_line_to_traditional, text.split("\n")))


def annotate_pinyin(text: str) -> str:
    return "".join(f"{ch}({_PINYIN[ch]})" if ch in _PINYIN else ch for ch in text)


def encode(text: str, encoding: str) -> tuple[bytes, str]:
    """The bytes and the encoding really used: a character Big5 lacks keeps the file in UTF-8."""
    try:
        return text.encode(encoding), encoding
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


# ---------------------------------------------------------------- PDF and DOCX


def pdf_bytes(report: Report, style: Style, lines_before: list[str], lines_after: list[str]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = _pdf_font()
    text_style = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=6.5, leading=8, wordWrap="CJK")

    def para(t: str) -> Paragraph:
        return Paragraph(escape(t), text_style)

    def cell(t: str):
        return Paragraph(escape(t), cell_style) if len(t) > 6 else t

    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), font, 6.5)])
    story = [para(t) for t in lines_before]
    story.append(para(SECTIONS[1]))
    for item, headers, rows in T2_BLOCKS[report.layout]:
        data = [[item] + [""] * len(headers), ["信息内容", *(h for h, _ in headers)]]
        data += [[row_label, *(fmt(report.t2[(row, c)], style) for _, c in headers)] for row_label, row in rows]
        story.append(Table(data, style=TableStyle([*grid.getCommands(), ("SPAN", (0, 0), (-1, 0))])))
    story.append(para(SECTIONS[2]))
    data = [
        ["申请人情况", "", "", "自然人", "法人或其他组织", "", "", "", "", style.total_word],
        ["", "", "", "", *t3_header(style)[4:], ""],
    ]
    spans = [("SPAN", (0, 0), (2, 1)), ("SPAN", (3, 0), (3, 1)), ("SPAN", (4, 0), (8, 0)), ("SPAN", (9, 0), (9, 1))]
    for r, (labels, cells) in enumerate(t3_label_cells(report, style), start=2):
        row = ["", "", ""]
        for col, text, rowspan, colspan in labels:
            row[col] = cell(text)
            if rowspan > 1 or colspan > 1:
                spans.append(("SPAN", (col, r), (col + colspan - 1, r + rowspan - 1)))
        data.append(row + cells)
    widths = [34, 44, 150] + [38] * 7
    story.append(Table(data, colWidths=widths, repeatRows=0, style=TableStyle([*grid.getCommands(), *spans])))
    story.append(para(SECTIONS[3]))
    t4 = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*T4_HEADER[2:7], "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *T4_HEADER[9:]],
        t4_cells(report, style),
    ]
    t4_spans = [
        ("SPAN", (0, 0), (4, 0)),
        ("SPAN", (5, 0), (14, 0)),
        ("SPAN", (5, 1), (9, 1)),
        ("SPAN", (10, 1), (14, 1)),
        *[("SPAN", (i, 1), (i, 2)) for i in range(5)],
    ]
    story.append(Table(t4, colWidths=[34] * 15, style=TableStyle([*grid.getCommands(), *t4_spans])))
    story += [para(t) for t in lines_after]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="", author="", creator="", producer="", invariant=1).build(story)
    return out.getvalue()


@lru_cache(maxsize=1)
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def _w_p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>' if text else "<w:p/>"


def _w_tc(text: str, span: int = 1, vmerge: str | None = None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>" if vmerge else ""
    )
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}{_w_p(text)}</w:tc>"


def _w_tbl(rows: list[str]) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"


def docx_bytes(report: Report, style: Style, lines_before: list[str], lines_after: list[str]) -> bytes:
    """A minimal Word package written directly (python-docx takes ~50x longer): merged label
    cells as Word writes them, gridSpan across columns and vMerge continuation cells below."""
    parts = [_w_p(t) for t in lines_before] + [_w_p(SECTIONS[1])]
    for item, headers, rows in T2_BLOCKS[report.layout]:
        trs = [_w_tc(item, span=len(headers) + 1), _w_tc("信息内容") + "".join(_w_tc(h) for h, _ in headers)]
        trs += [_w_tc(rl) + "".join(_w_tc(fmt(report.t2[(row, c)], style)) for _, c in headers) for rl, row in rows]
        parts.append(_w_tbl(trs))
    parts.append(_w_p(SECTIONS[2]))
    trs = [
        _w_tc("申请人情况", span=3, vmerge="restart")
        + _w_tc("自然人", vmerge="restart")
        + _w_tc("法人或其他组织", span=5)
        + _w_tc(style.total_word, vmerge="restart"),
        _w_tc("", span=3, vmerge="continue")
        + _w_tc("", vmerge="continue")
        + "".join(_w_tc(h) for h in t3_header(style)[4:])
        + _w_tc("", vmerge="continue"),
    ]
    covered = [0, 0, 0]  # rows each label column is still merged down over
    for labels, cells in t3_label_cells(report, style):
        starts = {col: (text, rowspan, colspan) for col, text, rowspan, colspan in labels}
        tds, col = "", 0
        while col < 3:
            if col in starts:
                text, rowspan, colspan = starts[col]
                tds += _w_tc(text, span=colspan, vmerge="restart" if rowspan > 1 else None)
                covered[col] = rowspan - 1
                col += colspan
            else:
                tds += _w_tc("", vmerge="continue") if covered[col] > 0 else _w_tc("")
                covered[col] -= 1
                col += 1
        trs.append(tds + "".join(_w_tc(c) for c in cells))
    parts.append(_w_tbl(trs))
    parts.append(_w_p(SECTIONS[3]))
    t4 = [
        _w_tc("行政复议", span=5) + _w_tc("行政诉讼", span=10),
        "".join(_w_tc(h) for h in T4_HEADER[2:7]) + _w_tc("未经复议直接起诉", span=5) + _w_tc("复议后起诉", span=5),
        "".join(_w_tc("") for _ in range(5)) + "".join(_w_tc(h) for h in T4_HEADER[9:]),
        "".join(_w_tc(c) for c in t4_cells(report, style)),
    ]
    parts.append(_w_tbl(t4))
    parts += [_w_p(t) for t in lines_after]
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W_NS}">'
        f"<w:body>{''.join(parts)}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
        ):
            # A fixed timestamp: the same report gives the same bytes (and hash) on every run.
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


# ---------------------------------------------------------------- one file


def _text_file(lines: list[str], style: Style) -> str:
    return ("\n\n" if style.blank_lines else "\n").join(lines) + "\n"


def render(report: Report, seed: int) -> tuple[bytes, str, str, str]:
    """→ (bytes, extension, encoding, script) of the report's file."""
    rng = random.Random(f"{seed}:{report.stem}:render")
    style = style_for(rng, report)
    if report.t3:
        apply_blank_zeros(report, style)
    head = chrome_head(report) if style.chrome else []
    foot = CHROME_FOOT if style.chrome else []
    form = report.form
    if report.is_template:
        lines = [title_of(report), *template_body()]
    elif not report.t3:  # free-form annual reports, work summaries, self-inspection reports
        lines = [
            title_of(report),
            *prose(rng, report.agency.name, report.year, rng.randint(4, 10)),
            report.agency.name,
            signing_date(report),
        ]
    elif form in ("pdf", "docx"):
        full = body_lines(report, rng, style, {}, rng.randint(50, 70))  # ~5 pages, as published
        split = full.index(SECTIONS[1])
        before, after = full[:split], full[full.index(SECTIONS[4]) :]
        maker = pdf_bytes if form == "pdf" else docx_bytes
        return maker(report, style, before, after), form, "", "simplified"
    elif form == "text_oneline":
        lines = [oneline_body(report, rng, style)]
    else:
        if form.startswith("html"):
            tables = html_tables(report, style)
        elif form == "markdown":
            tables = markdown_tables(report, style)
        elif form == "pdf_markdown":
            tables = pdf_markdown_tables(report, style, rng)
        else:
            tables = text_tables(
                report,
                style,
                "text_cells"
                if form.startswith(("text_cells", "traditional_pinyin"))
                else "text_glued"
                if form == "text_glued"
                else "text_rows",
            )
        lines = body_lines(report, rng, style, tables, rng.randint(2, 5))
    script, encoding = "simplified", "gb18030" if form.endswith("gb18030") else "utf-8"
    if form.startswith("html"):
        charset = rng.choice(("gb2312", "gbk", "gb18030")) if encoding == "gb18030" else "utf-8"
        text = html_page(title_of(report), lines, head, foot, charset)
        extension = "html"
    elif form == "text_oneline":  # a prose document's lines run on with a space between them
        text, extension = oneline_page(report, rng, style, " ".join(lines)), "txt"
    else:
        text = _text_file([*head, *lines, *foot], style)
        extension = "md" if form in ("markdown", "pdf_markdown") else "txt"
    if report.t3 and form in TEXT_TABLE_FORMS and rng.random() < MISPRINT_SHARE:
        text, report.label_typos = apply_misprints(text, misprints(rng, report, style))
    if style.fullwidth:
        text = text.translate(_FULLWIDTH)
    if form.startswith("traditional"):
        text, script = to_traditional(text), "traditional"
        if form == "traditional_pinyin":
            text = annotate_pinyin(text)
        else:
            encoding = "big5"
    data, encoding = encode(text, encoding)
    return data, extension, encoding, script


def _cells(report: Report) -> dict[str, list[dict]]:
    if report.is_template or not report.t3:
        return {"table2": [], "table3": [], "table4": []}
    return {
        "table2": [{"row": r, "column": c, "value": v} for (r, c), v in report.t2.items()],
        "table3": [
            {"row": code, "column": col, "value": v}
            for code, values in report.t3.items()
            for col, v in zip(T3_COLUMNS, values)
        ],
        "table4": [
            {"group": g, "column": col, "value": v}
            for g, values in report.t4.items()
            for col, v in zip(T4_COLUMNS, values)
        ],
    }


def write_report(report: Report, seed: int, landing: Path) -> dict:
    data, extension, encoding, script = render(report, seed)
    folder = landing / str(report.year or "undated")
    name = f"{report.stem}.{extension}"
    (folder / name).write_bytes(data)
    return {
        "file": f"{folder.name}/{name}",
        "format": extension,
        "form": report.form,
        "encoding": encoding or None,
        "script": script,
        "doc_type": report.doc_type,
        "layout": report.layout,
        "report_year": report.year,
        "agency": report.agency.name if report.agency else None,
        "is_template": report.is_template,
        "broken_rule": report.broken_rule,
        "label_typos": report.label_typos,
        **_cells(report),
    }


# ---------------------------------------------------------------- the corpus


def plan(n: int, seed: int, agency_offset: int = 0) -> list[tuple[int, tuple[int, int], int]]:
    """(agency index, division combo, reports budget) until n reports are planned. An agency's
    report count depends only on the seed and its index, so planning needs no rendering."""
    order = _agency_order(seed)
    tasks, total, index = [], 0, agency_offset
    while total < n:
        combo = order[index % len(order)]
        count = len(_shapes(seed, index, agency_of(combo)))
        take = min(count, n - total)
        tasks.append((index, combo, take))
        total += take
        index += 1
    return tasks


def _write_agencies(args: tuple[int, str, list[tuple[int, tuple[int, int], int]]]) -> list[dict]:
    seed, landing, agencies = args
    out = []
    for index, combo, budget in agencies:
        for report in _plan_agency(seed, index, combo, budget):
            out.append(write_report(report, seed, Path(landing)))
    return out


def generate(
    out_dir: str | os.PathLike, n: int, seed: int, *, agency_offset: int = 0, workers: int | None = None
) -> Path:
    """Write n reports under out_dir/landing/<year>/ and their ground truth to
    out_dir/ground_truth.jsonl (returned). `agency_offset` starts at another agency, so a second
    batch (a nightly delivery) has reports of agencies the first did not."""
    out = Path(out_dir)
    landing = out / "landing"
    for year in (*range(FIRST_YEAR, LATEST_YEAR + 1), "undated"):
        (landing / str(year)).mkdir(parents=True, exist_ok=True)
    tasks = plan(n, seed, agency_offset)
    chunks = [(seed, str(landing), tasks[i : i + AGENCIES_PER_TASK]) for i in range(0, len(tasks), AGENCIES_PER_TASK)]
    truth_path = out / "ground_truth.jsonl"
    workers = workers or os.cpu_count() or 1
    with truth_path.open("w", encoding="utf-8") as truth:
        if n < POOL_MIN_REPORTS or workers == 1:
            results: Iterator[list[dict]] = map(_write_agencies, chunks)
            for lines in results:
                truth.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for lines in pool.map(_write_agencies, chunks):
                    truth.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return truth_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("-n", type=int, default=1000, help="number of report files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agency-offset", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    path = generate(args.out_dir, args.n, args.seed, agency_offset=args.agency_offset, workers=args.workers)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
