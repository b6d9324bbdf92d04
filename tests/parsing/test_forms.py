"""One known report (2021 and 2019 layouts) in every form it is published in, end to end through
the public parse_bytes: every form must give the same cells, equal to the known values. Then the
encodings, scripts, templates, mojibake, non-reports, dates and refusals, and the rule over every
fixture that no number in the output is absent from the cleaned source text."""

from __future__ import annotations

import re

import pytest

from orchestration.parsing import parse_bytes
from orchestration.parsing.metrics import VOCABULARY

from . import report_files as rf, table_fixtures as fx
from .builders import docx_bytes, html_bytes, pdf_bytes, scanned_pdf_bytes, seed

LAYOUTS = ("2021", "2019")
# name → (file name, renderer). Glued text keeps the run as each cell's raw, so it is compared on
# values; every other form also keeps each cell's printed text.
FORMS = {
    "html_rowspan_colspan": ("report.html", rf.html_page),
    "html_gbk_meta_charset": ("report.htm", lambda r: rf.html_page(r, "gbk")),
    "pdf_two_pages": ("report.pdf", rf.pdf_file),
    "docx_merged_cells": ("report.docx", rf.docx_file),
    "txt_one_cell_per_line": ("report.txt", rf.one_cell_per_line_file),
    "txt_space_separated": ("report.txt", rf.space_separated_file),
    "txt_glued": ("report.txt", rf.glued_file),
    "md_pipes": ("report.md", rf.markdown_file),
}


def _values(result) -> set[tuple]:
    return {(c.table, c.row, c.column, c.value) for c in result.cells}


def _expected_values(report: fx.Report) -> set[tuple]:
    return {(t, r, c, v) for t, r, c, v, _ in report.expected()}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("form", FORMS)
def test_every_form_gives_the_known_cells(layout, form):
    report = fx.known_report(layout)
    name, render = FORMS[form]
    result = parse_bytes(render(report), name)
    assert result.status == "ok", result.error
    assert _values(result) == _expected_values(report)
    if form != "txt_glued":
        assert {(c.table, c.row, c.column, c.value, c.raw) for c in result.cells} == report.expected()
    assert (result.doc_type, result.layout, result.report_year) == ("annual_report", layout, 2023)
    assert (result.title, result.agency) == (fx.PROSE_TOP[0], "某某区人民政府办公室")
    assert result.publish_date in ("2024-01-19", "2024-01-18")  # page chrome, else the signature
    assert not [f for f in result.flags if f.startswith(("table", "glued"))]
    # A self-consistent report passes every rule that applies to it.
    assert result.checks and {c.status for c in result.checks} == {"pass"}
    assert ("glued_digits_split" in result.repairs) == (form == "txt_glued")


def test_all_forms_agree_with_each_other():
    report = fx.known_report("2021")
    readings = {form: _values(parse_bytes(render(report), name)) for form, (name, render) in FORMS.items()}
    assert len({frozenset(v) for v in readings.values()}) == 1


def test_the_known_report_is_not_trivial():
    # Distinct non-zero numbers in every table, so a shifted column cannot pass by accident.
    cells = _expected_values(fx.known_report("2021"))
    for table in (2, 3, 4):
        nonzero = {v for t, _, _, v in cells if t == table and v}
        assert len(nonzero) >= 5, table


def test_pdf_table3_continues_on_the_second_page():
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(rf.pdf_file(fx.known_report("2021")))
    pages = [page.get_textpage().get_text_range() for page in pdf]
    assert len(pages) >= 2
    assert "本年新收" in pages[0] and "(七)总计" in pages[1]


# --- encodings --------------------------------------------------------------------------------
def _traditional(text: str) -> str:
    from opencc import OpenCC

    # OpenCC writes 爲, which Big5 lacks; Taiwan and Hong Kong print 為.
    return OpenCC("s2t").convert(text).replace("爲", "為")


def _one_cell_text(report: fx.Report) -> str:
    return rf.one_cell_per_line_file(report).decode()


@pytest.mark.parametrize(
    "codec, expected", [("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8")]
)
def test_simplified_encodings(codec, expected):
    report = fx.known_report("2021")
    result = parse_bytes(_one_cell_text(report).encode(codec), "report.txt")
    assert (result.encoding, result.script) == (expected, "simplified")
    assert _values(result) == _expected_values(report)


def test_big5_traditional_report():
    report = fx.known_report("2019")
    result = parse_bytes(_traditional(_one_cell_text(report)).encode("big5"), "report.txt")
    assert (result.encoding, result.script) == ("big5", "traditional")
    assert "converted_to_simplified" in result.repairs
    assert _values(result) == _expected_values(report)
    assert result.agency == "某某区人民政府办公室"


# A few characters with their tone-marked pinyin, as seed 001 annotates them.
_PINYIN = {
    "區": "qū",
    "報": "bào",
    "開": "kāi",
    "請": "qǐng",
    "數": "shù",
    "總": "zǒng",
    "處": "chù",
    "結": "jié",
    "轉": "zhuǎn",
    "許": "xǔ",
    "復": "fù",
    "議": "yì",
}


def _annotate(text: str) -> str:
    return "".join(f"{c}({_PINYIN[c]})" if c in _PINYIN else c for c in text)


def pinyin_traditional_bytes() -> bytes:
    return _annotate(_traditional(_one_cell_text(fx.known_report("2021")))).encode()


def test_pinyin_annotated_traditional_text():
    result = parse_bytes(pinyin_traditional_bytes(), "report.txt")
    assert "區(qū)" in pinyin_traditional_bytes().decode()
    assert result.script == "traditional"
    assert {"pinyin_annotations_removed", "converted_to_simplified"} <= set(result.repairs)
    assert "(qū)" not in result.text and "區" not in result.text
    assert _values(result) == _expected_values(fx.known_report("2021"))
    assert result.title == fx.PROSE_TOP[0]


# --- templates, mojibake, non-reports, dates ----------------------------------------------------
def template_bytes() -> bytes:
    """The report as a document website shares it: xxxx for the year, xx for prose numbers; the
    table numbers it keeps are the template's, not any organ's data."""
    text = _one_cell_text(fx.known_report("2021"))
    text = text.replace("2023年", "xxxx年").replace("1156条", "xx条").replace("45 件", "xx件")
    return text.encode()


def test_template_keeps_cells_but_no_numbers():
    result = parse_bytes(template_bytes(), "template.txt")
    assert result.is_template
    assert result.cells and all(c.value is None for c in result.cells)
    assert result.metrics == [] and result.checks == []
    assert result.report_year is None  # xxxx年, and the date it was shared on does not tell


_MOJIBAKE = "。ㄒ唬┘忧"  # "（一）加" read one byte late (GBK), the 强 after it half lost


def mojibake_bytes() -> bytes:
    text = _one_cell_text(fx.known_report("2021"))
    prose = "2023年,我区主动公开政府信息1156条"
    return text.replace(prose, f"{_MOJIBAKE}\n(一)加强组织领导。{prose}").encode()


def test_mojibake_line_is_repaired_and_flagged():
    result = parse_bytes(mojibake_bytes(), "report.txt")
    assert "mojibake_repaired" in result.repairs and "mojibake_unrepaired" in result.flags
    assert "ㄒ" not in result.text and "(一)加" in result.text.splitlines()[3]
    assert _values(result) == _expected_values(fx.known_report("2021"))


NOTICES = {
    "notice.txt": "关于报送2023年政府信息公开工作年度报告的通知\n各乡镇人民政府:\n"
    "请于2024年1月31日前报送本单位2023年政府信息公开工作年度报告。\n某某区人民政府办公室\n2024年1月5日",
    "letter.html": "<html><body><h1>某某区人民政府办公室关于政府信息公开工作年度报告编制工作的函</h1>"
    "<p>根据《中华人民共和国政府信息公开条例》第五十条,现就年度报告编制有关事项函告如下。</p></body></html>",
}


@pytest.mark.parametrize("name", NOTICES)
def test_notices_and_letters_filed_among_reports_are_other(name):
    result = parse_bytes(NOTICES[name].encode(), name)
    assert (result.status, result.doc_type, result.layout) == ("ok", "other", None)


def chinese_date_bytes() -> bytes:
    text = fx.one_cell_per_line(fx.known_report("2021"))
    return (text + "\n某某区人民政府办公室\n二〇二四年一月十八日").encode()


def test_chinese_numeral_signature_date():
    result = parse_bytes(chinese_date_bytes(), "report.txt")
    assert (result.publish_date, result.agency, result.report_year) == ("2024-01-18", "某某区人民政府办公室", 2023)


# --- refusals ----------------------------------------------------------------------------------
def test_scanned_pdf_gets_a_clear_error():
    result = parse_bytes(scanned_pdf_bytes(), "scan.pdf")
    assert (result.status, result.format) == ("error", None)
    assert "scanned PDF without a text layer" in result.error
    assert result.to_dict()["error"] == result.error


def test_over_size_file_is_refused_with_a_reason():
    data = rf.one_cell_per_line_file(fx.known_report("2021"))
    result = parse_bytes(data, "report.txt", max_bytes=1024)
    assert result.status == "error" and "over the" in result.error and "MB limit" in result.error
    assert parse_bytes(data, "report.txt", max_bytes=len(data)).status == "ok"


# --- nothing invented ----------------------------------------------------------------------------
def _fixtures() -> dict[str, tuple[str, bytes]]:
    """Every fixture document the parsing tests feed the parser, by id → (file name, bytes)."""
    found = {f"seed_{p}": (f"{p}.txt", seed(p).read_bytes()) for p in ("000", "001", "002", "003", "004")}
    found["seed_002_gb18030"] = ("002.txt", seed("002").read_text(encoding="utf-8").encode("gb18030"))
    found |= {
        "builder_html": ("page.html", html_bytes()),
        "builder_pdf": ("report.pdf", pdf_bytes()),
        "builder_docx": ("report.docx", docx_bytes()),
    }
    for layout in LAYOUTS:
        report = fx.known_report(layout)
        found |= {f"{form}_{layout}": (name, render(report)) for form, (name, render) in FORMS.items()}
        found[f"big5_{layout}"] = ("report.txt", _traditional(_one_cell_text(report)).encode("big5"))
    found |= {
        "pinyin_traditional": ("report.txt", pinyin_traditional_bytes()),
        "template": ("template.txt", template_bytes()),
        "mojibake": ("report.txt", mojibake_bytes()),
        "chinese_date": ("report.txt", chinese_date_bytes()),
    }
    found |= {f"notice_{name}": (name, text.encode()) for name, text in NOTICES.items()}
    return found


FIXTURES = _fixtures()
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _digits(value: int | float) -> str:
    return str(abs(value))


@pytest.mark.parametrize("fixture", FIXTURES)
def test_every_number_in_the_output_appears_in_the_cleaned_text(fixture):
    name, data = FIXTURES[fixture]
    result = parse_bytes(data, name)
    assert result.status == "ok", result.error
    numbers = {n.replace(",", "") for n in _NUMBER.findall(result.text)}
    for metric in result.metrics:
        assert metric.name in VOCABULARY, metric
        assert _digits(metric.value) in numbers, metric
        assert metric.evidence in result.text, metric
    for cell in result.cells:
        if cell.value is not None:
            # The raw text stands in the source and holds the value's digits (a glued cell's raw
            # is the run it was split from).
            assert cell.raw.strip() in result.text, cell
            assert _digits(cell.value) in cell.raw.replace(",", ""), cell
    if result.report_year is not None:
        assert str(result.report_year) in result.text
    assert "text" not in result.to_dict()
