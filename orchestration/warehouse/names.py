"""File names of any bytes, shown readably and losslessly.

A landed file's name may hold bytes that are not UTF-8 (os.fsdecode gives them as lone
surrogates), which no table, JSON or log line can carry. They are stored and printed as
`display_name` shows them; `name_bytes` gives the original bytes back.
"""

from __future__ import annotations

import os
import re
import unicodedata

# What display_name escapes besides a backslash: the bytes that were not UTF-8 (os.fsdecode turns
# each into a lone surrogate, category Cs) and the characters that do not show or break a line.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_ESCAPE = re.compile(r"\\(?:(\\)|x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8}))")


def _escaped(ch: str) -> str:
    code = ord(ch)
    if ch == "\\":
        return "\\\\"
    if 0xDC80 <= code <= 0xDCFF:  # the byte os.fsdecode could not decode
        return f"\\x{code - 0xDC00:02x}"
    if unicodedata.category(ch) in _ESCAPED_CATEGORIES:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return ch


def display_name(name: str) -> str:
    """A file name or path, as os.fsdecode gives it, in printable text that keeps all its bytes:
    a byte that is not UTF-8 shows as \\xNN, an invisible or line-breaking character as \\uNNNN,
    a backslash as \\\\; everything else (Chinese, spaces) as it is. `name_bytes` reverses it."""
    if name.isprintable() and "\\" not in name:
        return name
    return "".join(map(_escaped, name))


def name_bytes(shown: str) -> bytes:
    """The bytes of the name `display_name` showed as `shown` (os.fsencode of the original)."""

    def original(m: re.Match) -> str:
        backslash, byte, code = m[1], m[2], m[3] or m[4]
        return backslash or (chr(0xDC00 + int(byte, 16)) if byte else chr(int(code, 16)))

    return os.fsencode(_ESCAPE.sub(original, shown))
