"""Raw bytes → text lines and table grids, per file format.

Every failure a person should hear about is raised as ReadError with a one-sentence reason.
"""
from __future__ import annotations

import codecs
import io
import re
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
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".pdf": "pdf", ".docx": "docx",
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
    "utf_8": "utf-8", "utf_8_sig": "utf-8", "gb2312": "gb18030", "gbk": "gb18030",
    "gb18030": "gb18030", "hz": "gb18030", "big5": "big5", "big5hkscs": "big5", "cp950": "big5",
    "utf_16": "utf-16", "utf_16_le": "utf-16", "utf_16_be": "utf-16",
    "utf_32": "utf-32", "utf_32_le": "utf-32", "utf_32_be": "utf-32",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"), (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
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
# Walked with lxml directly: BeautifulSoup over the same lxml parser is about 30 times slower
# and its tree adds nothing this reader needs.

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK_TAGS = frozenset((
    "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "ul", "ol", "dd", "dt", "dl", "header", "footer", "nav", "title", "table",
    "blockquote", "pre", "hr", "form", "aside", "main", "center",
))
_DROP_TAGS = frozenset(("script", "style", "noscript", "template", "iframe", "object", "svg", "select"))
# libxml2 refuses these in a str; they carry nothing in a web page.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def _own_rows(table) -> list:
    """The table's rows, not those of tables nested in it."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _cells(tr) -> list:
    return [c for c in tr if c.tag in ("td", "th")]


def _is_layout_table(table) -> bool:
    """A table that lays out the page rather than holding data: it wraps other tables, or it
    has a single column (a portal frame around the article)."""
    return table.find(".//table") is not None or all(len(_cells(tr)) <= 1 for tr in _own_rows(table))


class _PageText:
    """The page's running text (a newline around each block element) and its data tables, in
    document order. Scripts, styles and comments (also Word's <!--[if !supportLists]-->) give
    no text; a data table gives a grid and no text; a layout table's text stays in the text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.grids: list[Grid] = []

    def walk(self, el, in_cell: bool = False) -> None:
        tag = el.tag
        if isinstance(tag, str) and tag not in _DROP_TAGS:
            if tag == "table" and not in_cell and not _is_layout_table(el):
                self._grid(el)
            else:
                block = tag in _BLOCK_TAGS
                if block:
                    self.parts.append("\n")
                if el.text:
                    self.parts.append(el.text)
                for child in el:
                    self.walk(child, in_cell)
                if block:
                    self.parts.append("\n")
        if el.tail:
            self.parts.append(el.tail)

    def _grid(self, table) -> None:
        rows = [[_cell_text(c) for c in _cells(tr)] for tr in _own_rows(table)]
        rows = [r for r in rows if any(r)]
        if rows:
            self.grids.append(rows)


def _cell_text(cell) -> str:
    page = _PageText()
    page.parts.append(cell.text or "")
    for child in cell:
        page.walk(child, in_cell=True)
    return " ".join("".join(page.parts).split())


def _html(data: bytes) -> Document:
    from lxml import etree

    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode_text(data, declared.group(1).decode("ascii") if declared else None)
    # Plain etree elements: lxml.html's element classes cost a lookup per node.
    root = etree.HTML(_XML_INVALID.sub("", _XML_DECLARATION.sub("", text)))
    page = _PageText()
    if root is not None:  # None: nothing but comments or markup, a page without text
        page.walk(root)
    lines = (" ".join(line.split()) for line in "".join(page.parts).splitlines())
    return Document(text="\n".join(line for line in lines if line), format="html", encoding=encoding,
                    grids=page.grids)


# ---------------------------------------------------------------- PDF

# Words that only a page holding one of the report's tables carries; pdfplumber's table finder
# is slow, so it runs only on such pages. Row labels are included because a table continued
# from the page before repeats no header on its new page.
_TABLE_PAGE = re.compile(
    r"本年制发件数|本年新制作数量|申请人情况|自然人|行政复议|第二十条|指标名称|计量单位"
    r"|不予公开|无法提供|不予处理|其他处理|结转下年度|行政许可|行政处罚|事业性收费")


def _pdf(data: bytes) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReadError(f"the PDF cannot be opened ({exc})") from None
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise ReadError("scanned PDF without a text layer (it would need OCR)")
    table_pages = [i for i, p in enumerate(pages) if _TABLE_PAGE.search(p)]
    return Document(text="\n".join(pages), format="pdf", grids=_pdf_grids(data, table_pages) if table_pages else [])


def _pdf_grids(data: bytes, page_numbers: list[int]) -> list[Grid]:
    import pdfplumber

    grids: list[Grid] = []
    with pdfplumber.open(io.BytesIO(data), pages=[n + 1 for n in page_numbers]) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                # Merged cells come back as None: keep only the cells present, as the contract asks.
                rows = [[" ".join(c.split()) for c in row if c is not None] for row in table]
                rows = [r for r in rows if any(r)]
                if rows:
                    grids.append(rows)
    return grids


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
                [" ".join("".join(t.text or "" for t in tc.iter(f"{_W}t")).split()) for tc in tr.iterchildren(f"{_W}tc")]
                for tr in child.iterchildren(f"{_W}tr")
            ]
            rows = [r for r in rows if any(r)]
            if rows:
                grids.append(rows)
    return Document(text="\n".join(lines), format="docx", grids=grids)


_READERS = {"txt": lambda d: _plain_text(d, "txt"), "md": lambda d: _plain_text(d, "md"), "html": _html, "pdf": _pdf, "docx": _docx}


def read_document(data: bytes, file_name: str) -> Document:
    if not data.strip():
        raise ReadError("the file is empty")
    return _READERS[detect_format(data, file_name)](data)
