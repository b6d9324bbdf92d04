import codecs
import io

import pytest
from hypothesis import given, settings, strategies as st

from orchestration.parsing import parse_bytes, parse_file
from orchestration.parsing.reading import ReadError, decode_text, detect_format, read_document

from .builders import REPORT_TITLE, TABLE, docx_bytes, html_bytes, pdf_bytes, seed

SIMPLIFIED = seed("002").read_text(encoding="utf-8")[:1500]
# Traditional prose that Big5 can encode: seed 001 without its pinyin, first paragraphs.
TRADITIONAL = (
    "今年以來,政務公開工作開展扎實,措施得力,取得了較好的效果。現將我局政務公開工作總結如下:\n"
    "一、工作開展情況\n(一)制定工作清單,明確責任分工\n"
    "根據安徽省《2023年度政務公開重點工作清單》任務分解表,分解本單位政務公開重點工作任務,明確任務分工。"
    "明確辦公室作為政務公開工作主管科室,配齊配強專職工作人員,並確保相對固定。"
)


@pytest.mark.parametrize(
    "text, codec, expected",
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "utf-8-sig", "utf-8"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
        (SIMPLIFIED, "utf-16", "utf-16"),
        (SIMPLIFIED, "utf-16-le", "utf-16"),
    ],
)
def test_text_encodings_are_detected(text, codec, expected):
    data = text.encode(codec)
    if codec == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    decoded, name = decode_text(data)
    assert name == expected
    assert decoded.replace("\ufeff", "") == text


def test_gb18030_file_parses_like_its_utf8_original():
    original = seed("002").read_bytes()
    converted = parse_bytes(original.decode("utf-8").encode("gb18030"), "002.txt")
    assert converted.encoding == "gb18030"
    assert (converted.title, converted.agency, converted.report_year) == (
        "同江市繁荣街道2023年政府信息公开工作年度报告",
        "同江市繁荣街道",
        2023,
    )


def test_html_with_gbk_meta_charset():
    document = read_document(html_bytes("gbk"), "page.htm")
    assert (document.format, document.encoding) == ("html", "gb18030")
    lines = document.text.splitlines()
    # Inline markup does not split a sentence; scripts, styles and Word comments are gone.
    assert "2022年,本局主动公开政府信息356条,其中政策解读12条。" in lines
    assert "一、总体情况" in lines
    assert "999" not in document.text and "color" not in document.text and "supportLists" not in document.text
    assert document.grids == [TABLE]
    assert "本年制发件数" not in document.text  # table text is in the grid only
    assert lines[lines.index("宣州区经济和信息化局") + 1] == "2023年1月18日"  # <br> breaks the line


def test_html_page_end_to_end():
    result = parse_bytes(html_bytes("gbk"), "page.html")
    assert result.status == "ok"
    assert (result.title, result.agency, result.publish_date, result.report_year) == (
        REPORT_TITLE,
        "宣州区经济和信息化局",
        "2023-01-19",
        2022,
    )
    assert (result.doc_type, result.layout) == ("annual_report", "2021")  # the grid shows the 2021 layout
    assert result.region.code == "341802"
    assert {(m.name, m.value) for m in result.metrics} >= {("items_disclosed_total", 356), ("applications_received", 7)}


def test_pdf_text_layer_and_table_cells():
    document = read_document(pdf_bytes(), "report.pdf")
    assert document.format == "pdf" and document.encoding is None
    assert REPORT_TITLE in document.text
    assert "全年共收到政府信息公开申请7件" in document.text
    assert TABLE in document.grids


def test_pdf_end_to_end():
    result = parse_bytes(pdf_bytes(table=None), "report.pdf")
    assert (result.status, result.agency, result.report_year, result.publish_date) == (
        "ok",
        "宣州区经济和信息化局",
        2022,
        "2023-01-18",
    )


def test_docx_paragraphs_and_tables_in_document_order():
    document = read_document(docx_bytes(), "report.docx")
    assert document.format == "docx"
    assert document.text.splitlines()[0] == REPORT_TITLE
    assert document.text.splitlines()[-1] == "2023年1月18日"
    # A merged cell is one cell, not repeated across the span.
    assert document.grids == [TABLE, [["行政复议"], ["结果维持", "结果纠正", "总计"]]]


def test_docx_end_to_end():
    result = parse_bytes(docx_bytes(), "report.docx")
    assert (result.status, result.doc_type, result.layout, result.publish_date) == (
        "ok",
        "annual_report",
        "2021",
        "2023-01-18",
    )


@pytest.mark.parametrize(
    "data, name, reason",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "report.doc", "legacy Word .doc"),
        (b"plain text", "report.pdf", "not a PDF document"),
        (b"PK\x03\x04 something zipped", "bundle.zip", "ZIP archive"),
        (b"   \n ", "empty.txt", "empty"),
        (b"%PDF-1.4 garbage", "broken.pdf", "cannot be opened"),
    ],
)
def test_bad_files_give_errors_not_exceptions(data, name, reason):
    result = parse_bytes(data, name)
    assert result.status == "error" and reason in result.error
    assert result.to_dict()["status"] == "error"


def test_format_from_magic_beats_extension():
    assert detect_format(b"%PDF-1.7\n...", "download.txt") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html>", "page") == "html"
    assert detect_format("报告".encode(), "report.md") == "md"
    with pytest.raises(ReadError):
        detect_format(b"x", "sheet.xlsx")


def test_size_limit_refuses_without_reading(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    result = parse_file(big, max_bytes=1024)
    assert result.status == "error" and "over the" in result.error
    assert parse_bytes(b"a" * 2048, "big.txt", max_bytes=1024).status == "error"
    assert parse_file(tmp_path / "missing.txt").error.startswith("the file cannot be opened")


def test_sha256_is_of_the_raw_bytes():
    import hashlib

    data = seed("000").read_bytes()
    assert parse_bytes(data, "000.txt").sha256 == hashlib.sha256(data).hexdigest()


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.txt", "a.html", "a.pdf", "a.docx", "a.md", "a"]))
def test_parse_bytes_never_raises(data, name):
    result = parse_bytes(data, name)
    assert result.status in ("ok", "error")
    assert (result.status == "error") == (result.error is not None)


def test_html_nested_deeper_than_libxml2s_default_keeps_its_text():
    # Old portal pages leave <font> tags unclosed; past 256 levels libxml2 would drop the rest.
    page = "<html><body>" + "<font>一" * 400 + "本局主动公开政府信息356条。</body></html>"
    assert read_document(page.encode(), "page.html").text.endswith("本局主动公开政府信息356条。")


def _report_pdf() -> bytes:
    from . import report_files, table_fixtures

    return report_files.pdf_file(table_fixtures.known_report("2021"))


def test_pdf_tables_from_pdfium_equal_pdfplumbers():
    import pypdfium2 as pdfium

    from orchestration.parsing.pdf_tables import page_grids
    from orchestration.parsing.reading import _pdfplumber_grids

    data = _report_pdf()
    pdf = pdfium.PdfDocument(data)
    ours = {n: page_grids(page, page.get_textpage()) for n, page in enumerate(pdf)}
    assert sum(map(len, ours.values())) == 4  # Table 2, Table 3 in two parts, Table 4
    assert _pdfplumber_grids(data, list(ours)) == ours


def test_pdf_table_pages_pdfium_misses_go_to_pdfplumber(monkeypatch):
    from orchestration.parsing import pdf_tables

    data = _report_pdf()
    expected = read_document(data, "report.pdf").grids
    monkeypatch.setattr(pdf_tables, "page_grids", lambda page, textpage: [])
    assert read_document(data, "report.pdf").grids == expected


def test_pdf_ruling_drawn_in_a_form_object_is_placed_by_its_matrix():
    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from orchestration.parsing.pdf_tables import page_grids

    rows = [["申请人情况", "自然人", "总计"], ["规章", "1", "2"], ["行政许可", "3", "4"]]
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.beginForm("grid")  # the ruling as a form XObject, drawn scaled and moved
    for i in range(4):
        page.line(0, i * 20, 300, i * 20)
        page.line(i * 100, 0, i * 100, 60)
    page.endForm()
    page.saveState()
    page.translate(100, 500)
    page.scale(1.2, 1)
    page.doForm("grid")
    page.restoreState()
    page.setFont("STSong-Light", 10)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            page.drawString(105 + k * 120, 545 - r * 20, text)
    page.showPage()
    page.save()
    first = pdfium.PdfDocument(out.getvalue())[0]
    assert page_grids(first, first.get_textpage()) == [rows]
