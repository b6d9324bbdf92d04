"""A fetched page's text, whatever its charset: many portals still serve GBK or GB2312."""

from __future__ import annotations

import codecs

from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes

# GB18030 is a superset of both, and pages labelled GB2312 often hold GBK-only characters.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = _SUPERSETS.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(content: bytes, header_charset: str | None) -> str:
    """The page's own declaration (<meta charset>), then the HTTP header's, if the bytes decode
    in it; else detection; undecodable bytes become U+FFFD rather than failing the page."""
    declared = EncodingDetector.find_declared_encoding(content, is_html=True)
    for name in (declared, header_charset):
        codec = _codec(name)
        if codec:
            try:
                return content.decode(codec)
            except UnicodeDecodeError:
                continue
    best = from_bytes(content).best()
    return content.decode(_codec(best.encoding) if best else "utf-8", errors="replace")
