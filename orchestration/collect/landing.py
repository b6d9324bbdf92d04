"""Writing fetched files into the landing folder under safe, unique names."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from orchestration.collect.links import ATTACHMENT_EXTENSIONS


def landed_name(source: str, url: str, kind: str, content_type: str) -> str:
    """`<source>-<hash of the URL><ext>`: unique per URL, the same on every run (a refetch
    replaces its own file), and never a path: only the source's ASCII letters, digits and dashes,
    and an extension from a fixed list, are kept."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:40] or "source"
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    path = urlsplit(url).path.lower()
    if kind == "attachment":
        ext = next((e for e in ATTACHMENT_EXTENSIONS if path.endswith(e)), ".bin")
    else:
        ext = ".txt" if content_type == "text/plain" else ".html"
    return f"{slug}-{digest}{ext}"


def write_file(landing_dir: Path, name: str, content: bytes, scratch_dir: Path) -> None:
    """Written in full beside the landing folder, then renamed in: the pipeline's sensor never
    sees a half-written file (a temporary name inside the folder would be quarantined)."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    scratch_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=scratch_dir)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, landing_dir / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
