"""A fetched page's text, whatever its charset: many portals still serve GBK or GB2312."""

from __future__ import annotations

from bs4.dammit import EncodingDetector

from orchestration.parsing.reading import ReadError, decode_text


def decode_page(content: bytes, header_charset: str | None) -> str:
    """The page's text as the parser will read it (parsing.reading.decode_text: a BOM, the
    declared charset if the bytes decode in it, UTF-8, then detection), the declaration being
    the page's own <meta charset> or else the HTTP header's. Bytes nothing recognises decode as
    UTF-8 with U+FFFD: the collector only looks for links in them."""
    declared = EncodingDetector.find_declared_encoding(content, is_html=True) or header_charset
    try:
        return decode_text(content, declared)[0]
    except ReadError:
        return content.decode("utf-8", errors="replace")
