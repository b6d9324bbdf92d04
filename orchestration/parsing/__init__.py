"""Report files → ParseResult (see docs/parse-output.md). No Dagster in this package."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .parse import parse_bytes, parse_file


def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# Changes whenever any parser source changes, so the pipeline re-parses exactly then.
PARSER_VERSION = "1+" + _source_digest()

__all__ = ["PARSER_VERSION", "parse_bytes", "parse_file"]
