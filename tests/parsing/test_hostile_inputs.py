"""Inputs built to hurt: bounded before work, garbage refused, no super-linear pattern.

The time bounds are generous guards against hangs (a quadratic pattern on 1 MB runs for hours),
not benchmarks.
"""

import codecs
import io
import random
import re
import signal
import time
import zipfile
from contextlib import contextmanager

import pytest
from hypothesis import given, settings, strategies as st

from orchestration.parsing import classify, parse_bytes, reading, values
from orchestration.parsing.cleaning import (
    _MOJIBAKE_RUN,
    _ORPHAN_TRAIL,
    _PINYIN,
    _TONE_VOWELS,
    LOST,
    _clean_cell,
    _clean_traditional_cell,
    chrome_lines,
    clean,
    clean_cells,
    drop_long_digit_runs,
    nfkc,
    remove_pinyin,
    repair_mojibake,
    to_simplified,
)
from orchestration.parsing.metadata import extract_metadata
from orchestration.parsing.metrics import extract_metrics
from orchestration.parsing.reading import NO_READABLE_TEXT, Document, decode_text, read_document
from orchestration.parsing.tables import extract_tables
from orchestration.parsing.values import MAX_DIGITS
from tests.conftest import ROOT, SEEDS

from .builders import REPORT_TITLE, TABLE, docx_bytes, html_bytes, pdf_bytes, seed

MB = 2**20
BOUND = 5.0  # seconds for any one call on 1 MB


@contextmanager
def finishes_within(seconds: float):
    """Fails the test when the block runs longer: by a signal where Python code or the regex
    engine runs (it checks for signals), and by the clock afterwards where C code held on."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - start < seconds


def filled(*parts: str) -> str:
    """The parts repeated to 1 MB of text."""
    unit = "".join(parts)
    return (unit * (MB // len(unit) + 1))[:MB]


# ---------------------------------------------------------------- 1 MB into every pattern

# Long runs of the characters each pattern repeats, each with a near miss: the character that
# would complete a match missing, or put where the pattern cannot use it.
HOSTILE_TEXTS = {
    "shift sign, then a long run without one": "ㄅ " + filled("中"),
    "a run ending in a shift sign": filled("中")[:-1] + "ㄅ",
    "shift signs inside long runs": filled("中" * 999, "ㄅ "),
    "latin shift signs": filled("À"),
    "unclosed toned pinyin after a symbol": "!(" + filled("ā"),
    "unclosed toned pinyin after a hanzi": "区(" + filled("ā"),
    "pinyin without a tone mark": filled("区(", "a" * 60, ")"),
    "untoned letters, then a tone mark": "区(" + filled("a")[:-2] + "ā)",
    "circled numbers": filled("①"),
    "combining marks": filled("e\u0301"),
    "traditional characters": filled("們發展關於"),
    "digits": filled("1"),
    "digit runs just under the cap": filled("1" * MAX_DIGITS, " "),
    "digit runs just over the cap": filled("1" * (MAX_DIGITS + 1), "a"),
    "thousands separators": filled("1,"),
    "decimals without an end": "1." + filled("1") + "x",
    "spaces": filled(" ") + "/",
    "placeholders": filled("x"),
    "placeholders apart": filled("x", " " * 1000),
    "placeholder decimals": filled("x.", "x" * 50),
    "title words without their end": filled("通知年度报告信息公开") + "x",
    "chrome openers": filled("!", "字体 :", "网 站 标 识", "来源"),
    "long lines of punctuation": filled("!" * 5000, "\n"),
    "lost heading brackets": filled(")", "\n"),
}
TEXT_FUNCTIONS = {
    "repair_mojibake": repair_mojibake,
    "remove_pinyin": remove_pinyin,
    "nfkc": nfkc,
    "to_simplified": to_simplified,
    "drop_long_digit_runs": drop_long_digit_runs,
    "chrome_lines": lambda text: chrome_lines(text.split("\n")),
    "clean": clean,
    "clean_cells": lambda text: clean_cells([[[text]]], "traditional"),
    "parse_number": values.parse_number,
    "is_value": values.is_value,
    "is_digit_run": values.is_digit_run,
    "doc_type": lambda text: classify.doc_type(text, text),
    "layout": lambda text: classify.layout("annual_report", text, None, None),
    "is_template": classify.is_template,
    "is_readable": lambda text: reading.is_readable(Document(text=text, format="txt")),
}


@pytest.mark.parametrize("name", HOSTILE_TEXTS)
@pytest.mark.parametrize("function", TEXT_FUNCTIONS)
def test_a_megabyte_of_hostile_text_takes_seconds_at_most(function, name):
    for cached in (values.is_null_marker, values.parse_number, values.is_value, _clean_cell, _clean_traditional_cell):
        cached.cache_clear()  # a result cached by another test would hide the work
    with finishes_within(BOUND):
        TEXT_FUNCTIONS[function](HOSTILE_TEXTS[name])


# What the table, metric and metadata readers repeat: runs after their anchors' words.
HOSTILE_REPORT_TEXTS = {
    "pipes after an item marker": "第二十条" + filled("|") + "第x",
    "dashes after a table opener": "申请人情况 " + filled("-"),
    "digit runs before a count unit": "人大代表建议政协提案" + filled("1" * MAX_DIGITS, "件a"),
    "spaces after a table opener": "申请人情况" + filled(" ") + "/",
    "digits after a table opener": "申请人情况" + filled("1"),
    "ordinals without labels": "申请人情况" + filled("(一)"),
}
REPORT_FUNCTIONS = {
    "extract_tables": lambda text: extract_tables(text, []),
    "extract_metrics": extract_metrics,
    "extract_metadata": lambda text: extract_metadata(text.split("\n"), text.split("\n")),
}


@pytest.mark.parametrize("name", HOSTILE_REPORT_TEXTS)
@pytest.mark.parametrize("function", REPORT_FUNCTIONS)
def test_a_megabyte_of_hostile_report_text_takes_seconds_at_most(function, name):
    with finishes_within(BOUND):
        REPORT_FUNCTIONS[function](HOSTILE_REPORT_TEXTS[name])


HOSTILE_PAGES = {
    "unclosed tag openers": filled("<font"),
    "an attribute that never ends": "<span " + filled("a"),
    "character references without an end": filled("&#"),
    "grid delimiter references": filled("&#xe000;中"),
    "an xml declaration that never ends": "<?xml" + filled(" "),
    "unclosed font tags": filled("<font>一"),
    "nested divs": filled("<div>一"),
}


@pytest.mark.parametrize("name", HOSTILE_PAGES)
def test_a_megabyte_of_hostile_html_takes_seconds_at_most(name):
    with finishes_within(BOUND):
        parse_bytes(HOSTILE_PAGES[name].encode(), "page.html")


def test_a_megabyte_of_random_bytes_is_refused_in_seconds():
    data = random.Random(1).randbytes(MB)
    with finishes_within(BOUND):
        result = parse_bytes(data, "page.html")
    assert result.status == "error"


# ---------------------------------------------------------------- the rewritten patterns match as before

# The patterns as they were before they were made linear: the same matches, found in quadratic time.
_OLD_SIGNS = "\u3105-\u3129\u2500-\u257f\u2ff0-\u2ffb\u0391-\u03c9\u0401-\u0451\u3041-\u30ff\u00c0-\u01dc\u2460-\u249b"
OLD_MOJIBAKE_RUN = re.compile(rf"[^\x00-\x7f\s]*[{_OLD_SIGNS}][^\x00-\x7f\s]*")
_OLD_TONED = rf"[a-z{_TONE_VOWELS}]*[{_TONE_VOWELS}][a-z{_TONE_VOWELS}]*"
OLD_ORPHAN_TRAIL = re.compile(rf"(?<![A-Za-z0-9])[!-'*-~](?=\({_OLD_TONED}\))")
OLD_PINYIN = re.compile(rf"(?<=[\u4e00-\u9fff{LOST}])[(（]{_OLD_TONED}[)）]")

_PIECES = st.sampled_from(
    ["中", "ㄅ", "À", "①", " ", "\n", "a", "x", "ā", "ǚ", "(", ")", "（", "）", "!", "F", "1", LOST]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_linear_patterns_find_what_the_old_ones_found(text):
    for new, old in ((_MOJIBAKE_RUN, OLD_MOJIBAKE_RUN), (_ORPHAN_TRAIL, OLD_ORPHAN_TRAIL), (_PINYIN, OLD_PINYIN)):
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)]


# ---------------------------------------------------------------- digit runs

SEED_002 = seed("002").read_text(encoding="utf-8")


def test_a_digit_run_longer_than_any_count_is_no_number():
    result = parse_bytes((SEED_002 + "\n本局主动公开政府信息" + "1" * 100_000 + "条。\n").encode(), "002.txt")
    assert result.status == "ok"
    assert "digit_run_too_long" in result.flags
    assert "1" * (MAX_DIGITS + 1) not in result.text
    assert f"本局主动公开政府信息{LOST}条。" in result.text
    assert all(len(str(m.value)) < 20 for m in result.metrics)


def test_the_digit_cap_keeps_runs_up_to_it():
    assert drop_long_digit_runs("第" + "7" * MAX_DIGITS + "条") == ("第" + "7" * MAX_DIGITS + "条", False)
    for offset in range(30):  # wherever the run starts, the probe sees it
        text = "a" * offset + "٣" * (MAX_DIGITS + 1) + "b"
        assert drop_long_digit_runs(text) == ("a" * offset + LOST + "b", True)


def test_an_overlong_digit_cell_is_no_value():
    assert clean_cells([[["规章", "1" * 5000]]], "simplified") == [[["规章", LOST]]]
    assert values.parse_number(" ".join("1" * (MAX_DIGITS + 1))) is None  # its spaces go first
    assert values.parse_number("9" * MAX_DIGITS) == 10**MAX_DIGITS - 1


# ---------------------------------------------------------------- DOCX bombs


def _docx_with(parts: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            package.writestr(info.filename, parts.pop(info.filename, source.read(info)))
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def test_a_docx_that_expands_beyond_the_limit_is_refused_before_it_is_read():
    bomb = _docx_with({"word/media/image1.png": bytes(reading.DOCX_MAX_EXPANDED + 1)})
    assert len(bomb) < MB
    with finishes_within(2):
        result = parse_bytes(bomb, "bomb.docx")
    assert (result.status, result.error) == ("error", "the DOCX expands beyond 100 MB")


def test_a_docx_of_too_many_tags_is_refused_before_it_is_read():
    document = zipfile.ZipFile(io.BytesIO(docx_bytes())).read("word/document.xml")
    bomb = _docx_with({"word/document.xml": document.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 250_000)})
    with finishes_within(2):
        result = parse_bytes(bomb, "bomb.docx")
    assert result.error == "the DOCX holds more than 200,000 XML tags"


def test_a_docx_part_whose_recorded_size_lies_is_not_read_past_it():
    document = zipfile.ZipFile(io.BytesIO(docx_bytes())).read("word/document.xml")
    data = bytearray(_docx_with({"word/document.xml": document.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 10**6)}))
    entry = data.find(b"PK\x01\x02")  # the central directory: say the part is 1,000 bytes
    while data[entry + 46 : entry + 46 + 17] != b"word/document.xml":
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    with finishes_within(2):
        result = parse_bytes(bytes(data), "bomb.docx")
    assert result.error == "the DOCX cannot be opened (BadZipFile)"


def test_docx_paragraphs_without_text_read_as_nothing():
    # Their text is not asked of python-docx (its cost is the docx's worst): nothing is lost.
    document = zipfile.ZipFile(io.BytesIO(docx_bytes())).read("word/document.xml")
    empty = b"<w:p/><w:p><w:r><w:tab/></w:r></w:p><w:p><w:r><w:br/></w:r></w:p>" * 6000
    padded = _docx_with({"word/document.xml": document.replace(b"<w:body>", b"<w:body>" + empty)})
    result = parse_bytes(padded, "report.docx")
    plain = parse_bytes(docx_bytes(), "report.docx")
    assert (result.status, result.text, result.cells) == ("ok", plain.text, plain.cells)
    hyphen = document.replace(b"<w:body>", b"<w:body><w:p><w:r><w:noBreakHyphen/></w:r></w:p>")
    assert read_document(_docx_with({"word/document.xml": hyphen}), "a.docx").text.splitlines()[0] == "-"


# ---------------------------------------------------------------- HTML


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


PROSE = "本局主动公开政府信息356条。"
GRID = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)


def test_html_deeper_than_libxml2_keeps_its_text_when_the_depth_is_unclosed_inline_tags():
    document = read_document(_page("<font><b>" * 3000 + PROSE + f"<table>{GRID}</table>"), "page.html")
    assert document.text == PROSE and document.grids == [TABLE]


@pytest.mark.parametrize("nesting", ["<div>", "<table><tr><td>", "<ul><li>"])
def test_html_nested_deeper_than_libxml2_reads_is_refused_not_emptied(nesting):
    result = parse_bytes(_page(nesting * 3000 + PROSE), "page.html")
    assert (result.status, result.error) == (
        "error",
        "the HTML page nests its elements too deeply to be read (over 2,048 levels)",
    )


def test_html_nested_to_just_under_the_limit_is_read():
    assert read_document(_page("<div>" * 2000 + PROSE + "</div>" * 2000), "page.html").text == PROSE


def test_an_unclosed_xml_declaration_goes_and_the_page_is_read():
    assert read_document(b"<?xml " + b" " * 5000 + _page(f"<p>{PROSE}</p>"), "page.html").text == PROSE


def test_references_to_the_grid_delimiters_do_not_break_the_grid():
    marked = [
        [f"{cell}{ref}" for cell, ref in zip(row, ("&#xe000;", "&#XE003", "&#57345;", "&#x0e002;"))] for row in TABLE
    ]
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in marked)
    document = read_document(_page(f"<p>{PROSE}&#xe001;</p><table>{rows}</table>"), "page.html")
    assert document.text == PROSE and document.grids == [TABLE]


def test_a_layout_table_carrying_the_grid_attribute_stays_a_layout_table():
    page = f"<table data-govreports-grid><tr><td><p>{PROSE}</p><table>{GRID}</table></td></tr></table>"
    document = read_document(_page(page), "page.html")
    assert document.text == PROSE and document.grids == [TABLE]


@pytest.mark.parametrize(
    "charset", ["idna", "punycode", "rot13", "unicode_escape", "base64", "utf-16", "x-bogus", "utf-\x008"]
)
def test_a_declared_charset_that_is_no_report_charset_goes_to_detection(charset):
    result = parse_bytes(html_bytes("utf-8").replace(b"charset=utf-8", f"charset={charset}".encode()), "page.html")
    assert (result.status, result.encoding, result.title) == ("ok", "utf-8", REPORT_TITLE)


def test_a_declared_report_charset_is_still_taken_at_its_word():
    assert decode_text("政府".encode("gbk"), "gb2312") == ("政府", "gb18030")
    assert decode_text("政府".encode("big5"), "big5") == ("政府", "big5")


# ---------------------------------------------------------------- PDF


def _pdf_pages(count: int) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pageCompression=0)
    for number in range(1, count + 1):
        page.setFont("STSong-Light", 12)
        page.drawString(72, 760, f"第{number}页 {PROSE}")
        page.showPage()
    page.save()
    return out.getvalue()


def test_a_damaged_page_is_flagged_and_the_other_pages_are_read():
    data = _pdf_pages(3)
    kids = re.search(rb"/Kids \[ (\d+) 0 R (\d+) 0 R", data)
    damaged = data.replace(kids[0], kids[0].replace(kids[2] + b" 0 R", b"99999 0 R"))
    result = parse_bytes(damaged, "report.pdf")
    assert (result.status, result.flags) == ("ok", ["pdf_page_unreadable:2"])
    assert "第1页" in result.text and "第3页" in result.text and "第2页" not in result.text


def test_pages_past_the_limit_are_not_read_and_flagged(monkeypatch):
    monkeypatch.setattr(reading, "PDF_MAX_PAGES", 2)
    result = parse_bytes(_pdf_pages(4), "report.pdf")
    assert (result.status, result.flags) == ("ok", ["pdf_pages_not_read:3-4"])
    assert "第2页" in result.text and "第3页" not in result.text


def test_pdfplumber_failing_on_a_page_leaves_its_tables_out_flagged(monkeypatch):
    import pdfplumber.page

    from orchestration.parsing import pdf_tables

    def broken(self, *args, **kwargs):
        raise ValueError("damaged content stream")

    monkeypatch.setattr(pdf_tables, "page_grids", lambda page, textpage: [])  # sends the page on
    monkeypatch.setattr(pdfplumber.page.Page, "extract_tables", broken)
    result = parse_bytes(pdf_bytes(), "report.pdf")
    assert (result.status, result.flags) == ("ok", ["pdf_page_tables_unreadable:1"])
    assert REPORT_TITLE in result.text


# ---------------------------------------------------------------- no readable text


EMPTY_LIKE = {
    "utf-8 bom": codecs.BOM_UTF8,
    "utf-16 boms": codecs.BOM_UTF16_LE * 3,
    "unicode blanks": "\u3000\u00a0".encode() * 50,
    "a page without text": b"<html><body><p></p><script>var x = 1;</script></body></html>",
    "nul characters": b"<html>" + b"\0" * 1000,
    "too few letters": b"404 Not Found",
}


@pytest.mark.parametrize("name", EMPTY_LIKE)
def test_a_file_without_readable_text_is_refused(name):
    result = parse_bytes(EMPTY_LIKE[name], "page.html")
    assert (result.status, result.error) == ("error", NO_READABLE_TEXT)


GARBAGE_DECODED = {
    # What charset-normalizer made of ten random bytes, an ok report of type other before.
    "random bytes as Greek": "ψ\x1aηψcύYGρT",
    "random bytes as GBK": random.Random(2).randbytes(5000).decode("gb18030", errors="replace"),
    "random bytes as Big5": random.Random(2).randbytes(5000).decode("big5", errors="replace"),
    "random bytes as Latin-1": random.Random(2).randbytes(5000).decode("latin-1"),
    "random bytes as Shift-JIS": random.Random(2).randbytes(5000).decode("shift_jis", errors="replace"),
    "random hanzi": "".join(map(chr, random.Random(3).choices(range(0x4E00, 0x9FA6), k=3000))),
}


@pytest.mark.parametrize("name", GARBAGE_DECODED)
def test_text_decoded_from_random_bytes_is_not_readable(name):
    assert not reading.is_readable(Document(text=GARBAGE_DECODED[name], format="txt"))
    page = f'<html><head><meta charset="utf-8"></head><body>{GARBAGE_DECODED[name]}</body></html>'
    assert parse_bytes(page.encode("utf-8", errors="replace"), "page.html").error == NO_READABLE_TEXT


@pytest.mark.parametrize("size", [3, 30, 300, 3000, 30000])
@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.md", "a", "a.pdf", "a.docx"])
def test_random_bytes_are_refused(size, name):
    rng = random.Random(size)
    for _ in range(5):
        assert parse_bytes(rng.randbytes(size), name).status == "error"


REAL_FILES = sorted(SEEDS.glob("*.txt")) + sorted((ROOT / "tests/fixtures/real_reports/raw").glob("*.txt"))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_report_has_readable_text(path):
    assert reading.is_readable(read_document(path.read_bytes(), path.name))


def test_the_built_documents_have_readable_text():
    for data, name in ((html_bytes("gbk"), "a.html"), (pdf_bytes(), "a.pdf"), (docx_bytes(), "a.docx")):
        assert parse_bytes(data, name).status == "ok"


def test_running_out_of_memory_is_left_to_the_worker_budget(monkeypatch):
    """A MemoryError is the parse worker's memory budget at work (warehouse/staging.py names it in
    the quarantine reason): the parser must not turn it into a reason of its own."""
    from orchestration.parsing import parse as parse_module

    def exhausted(data, file_name):
        raise MemoryError

    monkeypatch.setattr(parse_module, "read_document", exhausted)
    with pytest.raises(MemoryError):
        parse_module.parse_bytes(b"x", "a.txt")
