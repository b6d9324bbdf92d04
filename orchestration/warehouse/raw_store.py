"""Register landed files by content hash and keep one immutable copy of each in the raw store.

A file is identified by the sha256 of its bytes, so a file landed twice (even under another
name) is registered once, and a registered file is never read from the landing folder again.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RegisteredFile:
    sha256: str
    file_name: str
    landing_path: str
    raw_path: str
    size_bytes: int
    extension: str
    arrived_at: datetime


@dataclass(frozen=True)
class RegisterOutcome:
    new: list[RegisteredFile]
    already_known: list[str]  # landing paths whose content was registered before
    total_registered: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def landed_files(landing_dir: Path) -> list[Path]:
    """Every regular file under the landing folder, hidden files (editor and OS litter) excluded."""
    if not landing_dir.exists():
        return []
    return sorted(
        p
        for p in landing_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(landing_dir).parts)
    )


def raw_path_for(raw_dir: Path, sha256: str, extension: str) -> Path:
    suffix = f".{extension}" if extension else ""
    return raw_dir / sha256[:2] / f"{sha256}{suffix}"


def store_copy(source: Path, target: Path) -> None:
    """Copy into the raw store atomically; an existing copy is never overwritten."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select sha256 from ingest.report_files").fetchall()}


def pending_landed_files(landing_dir: Path, known: set[str]) -> list[tuple[Path, str]]:
    """(path, sha256) of landed files whose content is not registered yet, first path per hash."""
    seen: set[str] = set()
    pending = []
    for path in landed_files(landing_dir):
        digest = sha256_of(path)
        if digest in known or digest in seen:
            continue
        seen.add(digest)
        pending.append((path, digest))
    return pending


def register_landed_files(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, raw_dir: Path
) -> RegisterOutcome:
    known = known_hashes(con)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    new: list[RegisteredFile] = []
    files = landed_files(landing_dir)
    pending = pending_landed_files(landing_dir, known)
    for path, digest in pending:
        extension = path.suffix.lower().lstrip(".")
        target = raw_path_for(raw_dir, digest, extension)
        store_copy(path, target)
        new.append(
            RegisteredFile(
                sha256=digest,
                file_name=path.name,
                landing_path=str(path),
                raw_path=str(target),
                size_bytes=path.stat().st_size,
                extension=extension,
                arrived_at=now,
            )
        )
    if new:
        frame = pd.DataFrame([vars(f) for f in new])
        con.register("new_files", frame)
        con.execute(
            "insert into ingest.report_files by name "
            "select sha256, file_name, landing_path, raw_path, size_bytes, extension, arrived_at from new_files"
        )
        con.unregister("new_files")
    pending_paths = {str(p) for p, _ in pending}
    total = con.execute("select count(*) from ingest.report_files").fetchone()[0]
    return RegisterOutcome(
        new=new,
        already_known=[str(p) for p in files if str(p) not in pending_paths],
        total_registered=total,
    )
