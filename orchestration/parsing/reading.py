"""Raw bytes → text lines and table grids, per file format.

Every failure a person should hear about is raised as ReadError with a one-sentence reason.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

Grid = list[list[str]]

DEFAULT_MAX_BYTES = 50 * 2**20


class ReadError(Exception):
    """The file cannot be read; str(error) is the reason, in one sentence."""


@dataclass
class Document:
    text: str  # the running text, one line per paragraph / line of the source; tables excluded
    format: str  # txt | md | html | pdf | docx
    encoding: str | None = None  # for text formats: the detected encoding, normalised
    grids: list[Grid] = field(default_factory=list)  # tables found structurally, cells in source order
    flags: list[str] = field(default_factory=list)  # what of the source could not be read, as ParseResult.flags


_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
_UNSUPPORTED = {
    ".doc": "legacy Word .doc files are not supported (convert to .docx or PDF)",
    ".wps": "WPS documents are not supported (convert to .docx or PDF)",
    ".xls": "spreadsheets are not supported",
    ".xlsx": "spreadsheets are not supported",
}
_HTML_START = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|meta|body|div|table|p)\b", re.I)


def too_large_reason(size: int, max_bytes: int) -> str | None:
    if size > max_bytes:
        return f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit"
    return None


def detect_format(data: bytes, file_name: str) -> str:
    """The format from magic bytes first (extensions lie), then from the extension."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(_UNSUPPORTED[".doc"])
    if data.startswith(b"PK\x03\x04"):
        if b"word/" in data[:4096] or file_name.lower().endswith(".docx"):
            return "docx"
        raise ReadError("the file is a ZIP archive, not a report document")
    dot = file_name.rfind(".")
    ext = file_name[dot:].lower() if dot >= 0 else ""
    if ext in _UNSUPPORTED:
        raise ReadError(_UNSUPPORTED[ext])
    if ext in (".pdf", ".docx"):
        raise ReadError(f"the file is named {ext} but its content is not a {ext[1:].upper()} document")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if _HTML_START.match(data[:512]):
        return "html"
    return "txt"


# ---------------------------------------------------------------- encodings

_ENCODING_NAMES = {  # codec name → the name reported; GB2312/GBK are read as their superset GB18030
    "utf_8": "utf-8",
    "utf_8_sig": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "hz": "gb18030",
    "big5": "big5",
    "big5hkscs": "big5",
    "cp950": "big5",
    "utf_16": "utf-16",
    "utf_16_le": "utf-16",
    "utf_16_be": "utf-16",
    "utf_32": "utf-32",
    "utf_32_le": "utf-32",
    "utf_32_be": "utf-32",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)


# The charsets a page's declaration is taken at its word for: those reports are written in.
# Any other name goes to detection: a charset pages get wrong as often as not (iso-8859-1 on a
# UTF-8 page), or a codec that is no charset (idna and punycode raise on a page, rot13 and
# unicode_escape garble it). UTF-16/32 too: a page whose declaration could be read is not in
# them (as in the HTML standard); with a BOM it never gets here.
_DECLARABLE = frozenset(key for key, name in _ENCODING_NAMES.items() if name not in ("utf-16", "utf-32"))


def _codec_for(name: str) -> str:
    # Decoding GBK/GB2312 with gb18030 loses nothing and reads the characters they lack.
    reported = _ENCODING_NAMES.get(_codec_key(name))
    return "gb18030" if reported == "gb18030" else name


def _codec_key(name: str) -> str:
    return codecs.lookup(name).name.replace("-", "_")


def _declarable(name: str) -> bool:
    try:
        return _codec_key(name) in _DECLARABLE
    except (LookupError, ValueError):  # an unknown name, or one holding a NUL
        return False


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of unknown encoding → (text, normalised encoding name).

    A BOM is taken as given, and so is a declared charset of _DECLARABLE the bytes decode in;
    strict UTF-8 is tried next because valid UTF-8 is almost never anything else and is the
    common case (charset-normalizer costs milliseconds per document); everything else is
    detected by charset-normalizer, and a declared charset is the last resort.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), name
    declared_codec = _codec_for(declared) if declared and _declarable(declared) else None
    for codec in filter(None, (declared_codec, "utf-8")):
        try:
            return data.decode(codec), normalise_encoding(codec)
        except UnicodeDecodeError:
            pass  # a wrong declaration (a GBK page declared UTF-8 is common), or damaged bytes
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    codec = _codec_for(best.encoding) if best else declared_codec
    if codec is None:
        raise ReadError("the text encoding could not be recognised (binary or corrupt file)")
    return data.decode(codec, errors="replace"), normalise_encoding(codec)


def normalise_encoding(codec: str) -> str:
    key = _codec_key(codec)
    return _ENCODING_NAMES.get(key, key.replace("_", "-"))


def _plain_text(data: bytes, fmt: str) -> Document:
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise ReadError("the file holds binary data, not text")
    return Document(text=text, format=fmt, encoding=encoding)


# ---------------------------------------------------------------- HTML
# Parsed with lxml and turned into text by one XSLT pass (both in C): BeautifulSoup over the
# same parser, or any Python walk over the nodes, costs many times more than the parse itself.

_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "ul",
    "ol",
    "dd",
    "dt",
    "dl",
    "header",
    "footer",
    "nav",
    "title",
    "table",
    "blockquote",
    "pre",
    "hr",
    "form",
    "aside",
    "main",
    "center",
)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg", "select")
# Private-use characters delimit the data tables in the XSLT's output; any in the page go first,
# written as such or as character references (&#xe000;, &#57344;), with what libxml2 refuses in a str.
_GRID_START, _GRID_END, _CELL_END, _ROW_END = "\ue000", "\ue001", "\ue002", "\ue003"
_UNUSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ue000-\ue003]")
_DELIMITER_REFERENCE = re.compile(r"&#(?:[xX]0*[eE]00[0-3]|0*5734[4-7]);?")
# An XML declaration goes (libxml2's HTML parser refuses one in a str), an unclosed one with it:
# libxml2 takes time quadratic in the blanks after an unclosed "<?xml" opening the page.
_XML_DECLARATION = re.compile(r"^\s*<\?xml(?:[^>]*>)?")
_GRID_ATTR = "data-govreports-grid"

# Block elements give a line of their own; scripts, styles and comments (also Word's
# <!--[if !supportLists]-->) give nothing; a data table, marked beforehand, gives its cells
# between the delimiters, a newline between paragraphs inside a cell.
_PAGE_XSLT = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="{" | ".join(_BLOCK_TAGS)}"><xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="{" | ".join(_DROP_TAGS)} | comment() | processing-instruction()"/>
<xsl:template match="table[@{_GRID_ATTR}]"><xsl:text>{_GRID_START}</xsl:text><xsl:for-each select=".//tr"><xsl:for-each select="td | th"><xsl:apply-templates/><xsl:text>{_CELL_END}</xsl:text></xsl:for-each><xsl:text>{_ROW_END}</xsl:text></xsl:for-each><xsl:text>{_GRID_END}</xsl:text></xsl:template>
</xsl:stylesheet>"""
_lxml = threading.local()  # lxml parsers and XSLT objects are not to be shared between threads


# libxml2 keeps no element deeper than this, even with huge_tree, and silently stops the page there.
_MAX_DEPTH = 2048
_TOO_DEEP = f"the HTML page nests its elements too deeply to be read (over {_MAX_DEPTH:,} levels)"
# Inline formatting tags, which old pages leave unclosed by the thousand: a page cut short by
# them is read again without them, as they make no line or cell of their own.
_INLINE_TAG = re.compile(r"</?(?:font|span|b|i|u|strong|em|small|big|sup|sub|a)\b[^<>]*>", re.I)


def _page_tools():
    """(HTML parser, page XSLT) of this thread. huge_tree: without it libxml2 silently drops
    whatever lies more than 256 elements deep, and old pages nest unclosed <font> tags that far."""
    if not hasattr(_lxml, "tools"):
        from lxml import etree

        _lxml.tools = etree.HTMLParser(huge_tree=True), etree.XSLT(etree.XML(_PAGE_XSLT))
    return _lxml.tools


def _cut_short(parser) -> bool:
    """Whether the last parse stopped at one of libxml2's limits (the element depth): a fatal
    error, so the last one logged."""
    from lxml import etree

    error = parser.error_log.last_error
    return error is not None and error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT


def _is_data_table(table) -> bool:
    """Not a table that lays out the page: one wrapping other tables, or with a single column
    (a portal frame around the article)."""
    if table.find(".//table") is not None:
        return False
    return any(sum(c.tag in ("td", "th") for c in tr) > 1 for tr in table.iter("tr"))


def _grid(delimited: str) -> Grid:
    rows = [[" ".join(cell.split()) for cell in row.split(_CELL_END)[:-1]] for row in delimited.split(_ROW_END)[:-1]]
    return [r for r in rows if any(r)]


def _html(data: bytes) -> Document:
    """The page's running text and its data tables, in document order; a data table's text is
    in its grid only, a layout table's stays in the running text."""
    from bs4.dammit import EncodingDetector
    from lxml import etree

    # BeautifulSoup's sniffer knows every way a page declares its charset (<meta charset>,
    # http-equiv Content-Type, an XML declaration); it reads only the head of the document.
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    text, encoding = decode_text(data, declared)
    parser, transform = _page_tools()
    markup = _DELIMITER_REFERENCE.sub("", _UNUSABLE.sub("", _XML_DECLARATION.sub("", text)))
    root = etree.HTML(markup, parser)
    if _cut_short(parser):
        root = etree.HTML(_INLINE_TAG.sub("", markup), parser)
        if _cut_short(parser):
            raise ReadError(_TOO_DEEP)
    if root is None:  # nothing but comments or markup: a page without text
        return Document(text="", format="html", encoding=encoding)
    for table in root.iter("table"):
        if _is_data_table(table):
            table.set(_GRID_ATTR, "")
        else:  # the page's own attribute of that name would make a layout table a grid
            table.attrib.pop(_GRID_ATTR, None)
    try:
        page = str(transform(root))
    except etree.XSLTApplyError:
        raise ReadError(_TOO_DEEP) from None
    first, *rest = page.split(_GRID_START)
    parts, grids = [first], []
    for chunk in rest:
        cells, after = chunk.split(_GRID_END, 1)
        if grid := _grid(cells):
            grids.append(grid)
        parts += ["\n", after]
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return Document(text="\n".join(line for line in lines if line), format="html", encoding=encoding, grids=grids)


# ---------------------------------------------------------------- PDF

# Words that only a page holding one of the report's tables carries; pdfplumber's table finder
# is slow, so it runs only on such pages. Row labels are included because a table continued
# from the page before repeats no header on its new page.
_TABLE_PAGE = re.compile(
    r"本年制发件数|本年新制作数量|申请人情况|自然人|行政复议|第二十条|指标名称|计量单位"
    r"|不予公开|无法提供|不予处理|其他处理|结转下年度|行政许可|行政处罚|事业性收费"
)

_TABLE_HEADINGS = re.compile(r"本年制发件数|本年新制作数量|申请人情况|结果维持|指标名称")


# A report runs to tens of pages; past this many the rest of a document is not read (a page with
# a ruled table costs ~20 ms), and a flag says so.
PDF_MAX_PAGES = 200


def _pdf(data: bytes) -> Document:
    import pypdfium2 as pdfium

    from .pdf_tables import page_grids

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReadError(f"the PDF cannot be opened ({exc})") from None
    pages: list[str] = []
    grids: dict[int, list[Grid]] = {}  # page number → its tables
    flags: list[str] = []
    try:
        count = len(pdf)
        if count > PDF_MAX_PAGES:
            flags.append(f"pdf_pages_not_read:{PDF_MAX_PAGES + 1}-{count}")
        for number in range(min(count, PDF_MAX_PAGES)):
            # A damaged page is flagged and skipped; the others are still read.
            try:
                page = pdf[number]
                textpage = page.get_textpage()
                text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
                if _TABLE_PAGE.search(text):
                    grids[number] = page_grids(page, textpage)
                textpage.close()
                page.close()
            except pdfium.PdfiumError:
                flags.append(f"pdf_page_unreadable:{number + 1}")
                text = ""
            pages.append(text)
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise ReadError("scanned PDF without a text layer (it would need OCR)")
    # A page printing a table's headings where no ruling was found goes to pdfplumber's finder
    # as a second opinion; prose pages that merely name a table's words do not.
    missed = [n for n, found in grids.items() if not found and _TABLE_HEADINGS.search(pages[n])]
    if missed:
        plumbed = _pdfplumber_grids(data, missed)
        grids.update(plumbed)
        flags += [f"pdf_page_tables_unreadable:{n + 1}" for n in missed if n not in plumbed]
    grids_in_order = [grid for n in sorted(grids) for grid in grids[n]]
    return Document(text="\n".join(pages), format="pdf", grids=grids_in_order, flags=flags)


def _pdfplumber_grids(data: bytes, page_numbers: list[int]) -> dict[int, list[Grid]]:
    """The tables pdfplumber finds on these pages; a page it cannot read is left out."""
    import pdfplumber

    found: dict[int, list[Grid]] = {}
    # pdfminer raises many kinds on damaged content, of a page or of the whole document.
    with contextlib.suppress(Exception), pdfplumber.open(io.BytesIO(data), pages=[n + 1 for n in page_numbers]) as pdf:
        for number, page in zip(page_numbers, pdf.pages):
            with contextlib.suppress(Exception):
                found[number] = _plumbed_grids(page)
    return found


def _plumbed_grids(page) -> list[Grid]:
    grids = []
    for table in page.extract_tables():
        # Merged cells come back as None: keep only the cells present, as the contract asks.
        rows = [[" ".join(c.split()) for c in row if c is not None] for row in table]
        rows = [r for r in rows if any(r)]
        if rows:
            grids.append(rows)
    return grids


# ---------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# python-docx holds every part of a package in memory and spends ~25 µs of Python on each run
# of text it reads, so a package is measured before it is opened: by what its parts expand to
# (zipfile never reads a part past the file_size measured here) and by the tags of its XML parts
# (a report of 30 pages has some 50,000).
DOCX_MAX_EXPANDED = 100 * 2**20
DOCX_MAX_TAGS = 200_000
DOCX_MAX_PARTS = 10_000
_CHUNK = 2**20


def _check_docx_size(package: zipfile.ZipFile) -> None:
    parts = package.infolist()
    if len(parts) > DOCX_MAX_PARTS:
        raise ReadError(f"the DOCX holds more than {DOCX_MAX_PARTS:,} parts")
    if sum(part.file_size for part in parts) > DOCX_MAX_EXPANDED:
        raise ReadError(f"the DOCX expands beyond {DOCX_MAX_EXPANDED / 2**20:.0f} MB")
    tags = 0
    for part in parts:
        with package.open(part) as f:
            chunk = f.read(_CHUNK)
            if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                continue  # not XML (an image): python-docx keeps its bytes and builds no tree
            while chunk:
                tags += chunk.count(b"<")
                if tags > DOCX_MAX_TAGS:
                    raise ReadError(f"the DOCX holds more than {DOCX_MAX_TAGS:,} XML tags")
                chunk = f.read(_CHUNK)


def _docx(data: bytes) -> Document:
    import docx
    from docx.text.paragraph import Paragraph

    try:
        _check_docx_size(zipfile.ZipFile(io.BytesIO(data)))
        document = docx.Document(io.BytesIO(data))
    except (ReadError, MemoryError):  # a MemoryError is the worker's budget: its handler names it
        raise
    except Exception as exc:  # zipfile and python-docx raise many kinds for damaged packages
        raise ReadError(f"the DOCX cannot be opened ({type(exc).__name__})") from None
    lines: list[str] = []
    grids: list[Grid] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            # Paragraph.text costs ~40 µs, worth it only where there is text: without any <w:t>
            # (or the "-" of a <w:noBreakHyphen>) it gives nothing but tabs and breaks.
            has_text = child.find(f".//{_W}t") is not None or child.find(f".//{_W}noBreakHyphen") is not None
            lines.append(Paragraph(child, document).text if has_text else "")
        elif child.tag == f"{_W}tbl":
            # Cells as they stand in each <w:tr> (row.cells would repeat merged cells).
            rows = [
                [
                    " ".join("".join(t.text or "" for t in tc.iter(f"{_W}t")).split())
                    for tc in tr.iterchildren(f"{_W}tc")
                ]
                for tr in child.iterchildren(f"{_W}tr")
            ]
            rows = [r for r in rows if any(r)]
            if rows:
                grids.append(rows)
    return Document(text="\n".join(lines), format="docx", grids=grids)


# ---------------------------------------------------------------- readable text

# A file is read as text when nearly all its characters are what reports are written with: the
# 3,755 frequent hanzi of GB2312 (level 1) and the 5,401 of Big5, latin letters, digits,
# punctuation and spaces; real reports have at most one character in ten of anything else
# (pinyin tone marks, rare hanzi, mojibake). Bytes that are not text decode, whatever the codec,
# to rarer hanzi, other scripts, replacement and control characters: about half of random bytes
# read as GBK, Big5, Latin-1 or Shift-JIS are none of these. Counted on samples, so the test
# costs the same on any size of file, and a file is text when one of them is.
MAX_ODD_SHARE = 0.3
MIN_LETTERS = 10
_SAMPLE_CHARS = 1000
_SAMPLE_CELLS = 300
NO_READABLE_TEXT = "no readable text (the file decodes to almost no Chinese or Latin letters)"


def _frequent_hanzi() -> str:
    def pair(lead: int, trail: int, codec: str) -> str:
        try:
            return bytes((lead, trail)).decode(codec)
        except UnicodeDecodeError:
            return ""

    gb2312 = (pair(lead, trail, "gb2312") for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF))
    big5 = (
        pair(lead, trail, "big5") for lead in range(0xA4, 0xC7) for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF))
    )
    return "".join(sorted({c for c in (*gb2312, *big5) if "\u4e00" <= c <= "\u9fff"}))


@lru_cache(maxsize=1)
def _readable_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(runs of letters, runs of what text is written with)."""
    letters = "A-Za-z" + _frequent_hanzi()
    # Spaces, ASCII digits and punctuation, general and CJK punctuation, full-width ASCII and signs.
    other = r"\t\n\r\x0b\x0c !-@\[-`{-~\u00a0\u2000-\u206f\u3000-\u303f\uff01-\uff65\uffe0-\uffe6"
    return re.compile(f"[{letters}]+"), re.compile(f"[{letters}{other}]+")


def _samples(document: Document) -> Iterator[str]:
    """The head, middle and tail of the text (what there is beyond the head), the first cells;
    each made only when the ones before were not text."""
    text, size = document.text, _SAMPLE_CHARS
    middle = max(len(text) // 2, size)
    yield text[:size]
    yield text[middle : middle + size]
    yield text[max(len(text) - size, middle + size) :]
    cells = (cell for grid in document.grids for row in grid for cell in row)
    yield "\n".join(islice(cells, _SAMPLE_CELLS))


def is_readable(document: Document) -> bool:
    return any(map(_is_text, _samples(document)))


def _is_text(sample: str) -> bool:
    """At most MAX_ODD_SHARE of the sample odd, and MIN_LETTERS letters in it."""
    letter_runs, text_runs = _readable_patterns()
    if len(text_runs.sub("", sample)) > MAX_ODD_SHARE * len(sample):
        return False
    letters = 0
    for run in letter_runs.finditer(sample):
        letters += len(run[0])
        if letters >= MIN_LETTERS:
            return True
    return False


_READERS = {
    "txt": lambda d: _plain_text(d, "txt"),
    "md": lambda d: _plain_text(d, "md"),
    "html": _html,
    "pdf": _pdf,
    "docx": _docx,
}


def read_document(data: bytes, file_name: str) -> Document:
    if not data.strip():
        raise ReadError("the file is empty")
    document = _READERS[detect_format(data, file_name)](data)
    if not is_readable(document):
        raise ReadError(NO_READABLE_TEXT)
    return document
