"""Register landed files by content hash and keep one immutable copy of each in the raw store.

A file is identified by the sha256 of its bytes, so a file landed twice (even under another
name) is registered once, and a registered file is never read from the landing folder again.

Hashing every landed file on every run reads the whole landing folder (minutes at national
scale), so the hash of each landing path is cached with the size and mtime it had
(ingest.landed_files): a file whose size and mtime_ns are unchanged is not read again. A file
rewritten under the same name changes its mtime and is hashed anew.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

_CHUNK = 1 << 20
# Files up to this size are read once, for both the hash and the raw copy.
_READ_WHOLE = 64 << 20
# Hashing and copying mostly wait on the disk, and hashlib and file I/O release the GIL.
_IO_THREADS = 4


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


@dataclass(frozen=True)
class LandedFile:
    path: Path
    size_bytes: int
    mtime_ns: int


def scan_landing(landing_dir: Path) -> list[LandedFile]:
    """Every regular file under the landing folder with its size and mtime, hidden files and
    folders (editor and OS litter) excluded. os.scandir hands over the stat for free."""
    found: list[LandedFile] = []
    stack = [str(landing_dir)] if landing_dir.is_dir() else []
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file():
                    stat = entry.stat()
                    found.append(LandedFile(Path(entry.path), stat.st_size, stat.st_mtime_ns))
    return sorted(found, key=lambda f: f.path)


def raw_path_for(raw_dir: Path, sha256: str, extension: str) -> Path:
    suffix = f".{extension}" if extension else ""
    return raw_dir / sha256[:2] / f"{sha256}{suffix}"


def _store_atomically(target: Path, write: Callable[[str], None]) -> None:
    """Write into the raw store through a temporary file renamed into place: a reader never sees
    a half-written copy, and an existing copy is never overwritten."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def store_copy(source: Path, target: Path) -> None:
    _store_atomically(target, lambda tmp: shutil.copyfile(source, tmp))


def _extension(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def _hash_and_keep(f: LandedFile, raw_dir: Path, known: set[str]) -> str:
    """The file's sha256. Content not registered yet is also copied into the raw store here, from
    the bytes already read for the hash, so a new file is read once (big files are streamed)."""
    if f.size_bytes > _READ_WHOLE:
        digest = sha256_of(f.path)
        if digest not in known:
            store_copy(f.path, raw_path_for(raw_dir, digest, _extension(f.path)))
        return digest
    data = f.path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest not in known:
        _store_atomically(raw_path_for(raw_dir, digest, _extension(f.path)), lambda tmp: Path(tmp).write_bytes(data))
    return digest


def known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select sha256 from ingest.report_files").fetchall()}


def cached_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, str]]:
    """landing path → (size, mtime_ns, sha256) as last hashed."""
    rows = con.execute("select landing_path, size_bytes, mtime_ns, sha256 from ingest.landed_files").fetchall()
    return {path: (size, mtime, digest) for path, size, mtime, digest in rows}


def hash_landed(
    files: list[LandedFile], cache: dict[str, tuple[int, int, str]], raw_dir: Path, known: set[str]
) -> tuple[list[str], list[LandedFile]]:
    """The sha256 of each file, read from the cache where size and mtime are unchanged, and the
    files that had to be hashed (whose cache entries are new or stale), on several threads."""
    digests: list[str | None] = []
    hashed: list[LandedFile] = []
    for f in files:
        cached = cache.get(str(f.path))
        fresh = cached is not None and cached[:2] == (f.size_bytes, f.mtime_ns)
        digests.append(cached[2] if fresh else None)
        if not fresh:
            hashed.append(f)
    if hashed:
        with ThreadPoolExecutor(_IO_THREADS) as pool:
            computed = iter(pool.map(lambda f: _hash_and_keep(f, raw_dir, known), hashed))
        digests = [d if d is not None else next(computed) for d in digests]
    return digests, hashed


def update_hash_cache(con: duckdb.DuckDBPyConnection, hashed: list[LandedFile], digests: dict[str, str]) -> None:
    if not hashed:
        return
    batch = pa.table(
        {
            "landing_path": [str(f.path) for f in hashed],
            "size_bytes": [f.size_bytes for f in hashed],
            "mtime_ns": [f.mtime_ns for f in hashed],
            "sha256": [digests[str(f.path)] for f in hashed],
        }
    )
    con.register("hashed_files", batch)
    con.execute("insert or replace into ingest.landed_files by name select * from hashed_files")
    con.unregister("hashed_files")


def register_landed_files(con: duckdb.DuckDBPyConnection, landing_dir: Path, raw_dir: Path) -> RegisterOutcome:
    known = known_hashes(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    files = scan_landing(landing_dir)
    digests, hashed = hash_landed(files, cached_hashes(con), raw_dir, known)
    new: list[RegisteredFile] = []
    already_known: list[str] = []
    for f, digest in zip(files, digests):
        # First path per content wins; the same bytes under another name are already known.
        if digest in known:
            already_known.append(str(f.path))
            continue
        known.add(digest)
        extension = _extension(f.path)
        target = raw_path_for(raw_dir, digest, extension)
        store_copy(f.path, target)  # made while hashing unless the hash came from the cache
        new.append(RegisteredFile(digest, f.path.name, str(f.path), str(target), f.size_bytes, extension, now))
    if new:
        batch = pa.Table.from_pylist([vars(f) for f in new])
        con.register("new_files", batch)
        con.execute(
            "insert into ingest.report_files by name "
            "select sha256, file_name, landing_path, raw_path, size_bytes, extension, arrived_at from new_files"
        )
        con.unregister("new_files")
    update_hash_cache(con, hashed, {str(f.path): d for f, d in zip(files, digests)})
    total = con.execute("select count(*) from ingest.report_files").fetchone()[0]
    return RegisterOutcome(new=new, already_known=already_known, total_registered=total)
