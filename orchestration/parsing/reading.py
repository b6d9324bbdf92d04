"""Raw bytes → text lines and table grids, per file format.

Every failure a person should hear about is raised as ReadError with a one-sentence reason.
"""

from __future__ import annotations

import codecs
import io
import re
import threading
from dataclasses import dataclass, field

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


def _codec_for(name: str) -> str:
    # Decoding GBK/GB2312 with gb18030 loses nothing and reads the characters they lack.
    reported = _ENCODING_NAMES.get(codecs.lookup(name).name.replace("-", "_"))
    return "gb18030" if reported == "gb18030" else name


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of unknown encoding → (text, normalised encoding name).

    A BOM or a declared charset is taken as given; strict UTF-8 is tried next because valid
    UTF-8 is almost never anything else and is the common case (charset-normalizer costs
    milliseconds per document); everything else is detected by charset-normalizer.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), name
    if declared:
        try:
            codec = _codec_for(declared)
            return data.decode(codec, errors="replace"), normalise_encoding(codec)
        except LookupError:
            pass  # an unknown declared charset: fall back to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("the text encoding could not be recognised (binary or corrupt file)")
    codec = _codec_for(best.encoding)
    return data.decode(codec, errors="replace"), normalise_encoding(codec)


def normalise_encoding(codec: str) -> str:
    key = codecs.lookup(codec).name.replace("-", "_")
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
# with what libxml2 refuses in a str.
_GRID_START, _GRID_END, _CELL_END, _ROW_END = "\ue000", "\ue001", "\ue002", "\ue003"
_UNUSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ue000-\ue003]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
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


def _page_tools():
    """(HTML parser, page XSLT) of this thread. huge_tree: without it libxml2 silently drops
    whatever lies more than 256 elements deep, and old pages nest unclosed <font> tags that far."""
    if not hasattr(_lxml, "tools"):
        from lxml import etree

        _lxml.tools = etree.HTMLParser(huge_tree=True), etree.XSLT(etree.XML(_PAGE_XSLT))
    return _lxml.tools


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
    root = etree.HTML(_UNUSABLE.sub("", _XML_DECLARATION.sub("", text)), parser)
    if root is None:  # nothing but comments or markup: a page without text
        return Document(text="", format="html", encoding=encoding)
    for table in root.iter("table"):
        if _is_data_table(table):
            table.set(_GRID_ATTR, "")
    try:
        page = str(transform(root))
    except etree.XSLTApplyError:
        raise ReadError("the HTML page nests its elements too deeply to be read") from None
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


def _pdf(data: bytes) -> Document:
    import pypdfium2 as pdfium

    from .pdf_tables import page_grids

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReadError(f"the PDF cannot be opened ({exc})") from None
    pages: list[str] = []
    grids: dict[int, list[Grid]] = {}  # page number → its tables
    try:
        for number, page in enumerate(pdf):
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            pages.append(text)
            if _TABLE_PAGE.search(text):
                grids[number] = page_grids(page, textpage)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise ReadError("scanned PDF without a text layer (it would need OCR)")
    # A page printing a table's headings where no ruling was found goes to pdfplumber's finder
    # as a second opinion; prose pages that merely name a table's words do not.
    missed = [n for n, found in grids.items() if not found and _TABLE_HEADINGS.search(pages[n])]
    if missed:
        grids.update(_pdfplumber_grids(data, missed))
    return Document(text="\n".join(pages), format="pdf", grids=[grid for n in sorted(grids) for grid in grids[n]])


def _pdfplumber_grids(data: bytes, page_numbers: list[int]) -> dict[int, list[Grid]]:
    import pdfplumber

    found: dict[int, list[Grid]] = {}
    with pdfplumber.open(io.BytesIO(data), pages=[n + 1 for n in page_numbers]) as pdf:
        for number, page in zip(page_numbers, pdf.pages):
            found[number] = []
            for table in page.extract_tables():
                # Merged cells come back as None: keep only the cells present, as the contract asks.
                rows = [[" ".join(c.split()) for c in row if c is not None] for row in table]
                rows = [r for r in rows if any(r)]
                if rows:
                    found[number].append(rows)
    return found


# ---------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(data: bytes) -> Document:
    import docx
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for damaged packages
        raise ReadError(f"the DOCX cannot be opened ({type(exc).__name__})") from None
    lines: list[str] = []
    grids: list[Grid] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(Paragraph(child, document).text)
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
    return _READERS[detect_format(data, file_name)](data)
