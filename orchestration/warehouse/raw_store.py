"""Register landed files by content hash and keep one immutable copy of each in the raw store.

A file is identified by the sha256 of its bytes, so a file landed twice (even under another
name) is registered once, and a registered file is never read from the landing folder again.

Hashing every landed file on every run reads the whole landing folder (minutes at national
scale), so the hash of each landing path is cached with the size and mtime it had
(ingest.landed_files): a file whose size and mtime_ns are unchanged is not read again. A file
rewritten under the same name changes its mtime and is hashed anew.

The landing folder takes what anyone drops in it. Names of any bytes are registered, stored as
`display_name` shows them (readable and lossless); a symbolic link is never followed (it could
reach any host file), and hidden entries and FIFOs, sockets or devices are not read: each of
these is quarantined (stage `landing`) with why, so nothing in the folder goes unaccounted for.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa

from orchestration.warehouse.names import display_name

_CHUNK = 1 << 20
# Files up to this size are read once, for both the hash and the raw copy.
_READ_WHOLE = 64 << 20
# Hashing and copying mostly wait on the disk, and hashlib and file I/O release the GIL.
_IO_THREADS = 4
LANDING_STAGE = "landing"


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
class NotRead:
    """An entry of the landing folder that is not registered, and why."""

    path: Path
    reason: str

    @property
    def key(self) -> str:
        """Its ingest.quarantined_files key: nothing was read, so no content hash; the entry is
        known by its path and what it is (a link pointed elsewhere is a new entry)."""
        return hashlib.sha256(b"landing\0" + os.fsencode(self.path) + b"\0" + self.reason.encode()).hexdigest()


@dataclass(frozen=True)
class RegisterOutcome:
    new: list[RegisteredFile]
    already_known: list[str]  # landing paths whose content was registered before
    total_registered: int
    refused: list[NotRead]  # links, hidden entries, special files: quarantined at landing
    unreadable: list[NotRead]  # could not be read this time (permissions, gone): tried again next run


def _open_landed(path: Path) -> BinaryIO:
    """A landed file opened for reading, refusing what replaced it since the scan if that is a
    link (O_NOFOLLOW) or not a regular file (a FIFO would block a read forever)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{display_name(str(path))} is no longer a regular file")
    return os.fdopen(fd, "rb")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with _open_landed(path) as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class LandedFile:
    path: Path
    size_bytes: int
    mtime_ns: int


@dataclass(frozen=True)
class LandingSurvey:
    files: list[LandedFile]  # the regular files, to register
    refused: list[NotRead]  # what is not read, with why: quarantined
    unreadable: list[NotRead]  # what could not be listed or examined this time


def _refusal(entry: os.DirEntry) -> str | None:
    """Why a landing entry is not read, or None for a regular file or a folder to scan."""
    if entry.is_symlink():
        target = display_name(os.readlink(entry.path))
        return f"a symbolic link (to {target}): links in the landing folder are not followed; land the file itself"
    if entry.name.startswith("."):
        if entry.is_dir(follow_symlinks=False):
            return "a hidden folder (its name starts with a dot): not scanned; rename it to have its files registered"
        return "a hidden file (its name starts with a dot): not read; rename it to have it registered"
    if not (entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False)):
        return "not a regular file (a FIFO, socket or device): not read"
    return None


def survey_landing(landing_dir: Path) -> LandingSurvey:
    """Every regular file under the landing folder with its size and mtime (os.scandir hands over
    the stat for free), and every other entry with why it is not read. The landing folder itself
    may be a link (the operator's choice); nothing inside it is followed."""
    files: list[LandedFile] = []
    refused: list[NotRead] = []
    unreadable: list[NotRead] = []
    stack = [str(landing_dir)] if landing_dir.is_dir() else []
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            unreadable.append(NotRead(Path(folder), f"the folder cannot be listed ({exc.strerror or exc})"))
            continue
        for entry in entries:
            try:
                reason = _refusal(entry)
                if reason:
                    refused.append(NotRead(Path(entry.path), reason))
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
                    files.append(LandedFile(Path(entry.path), info.st_size, info.st_mtime_ns))
            except OSError as exc:  # removed or changed since the listing
                unreadable.append(NotRead(Path(entry.path), f"cannot be examined ({exc.strerror or exc})"))
    by_path = attrgetter("path")
    return LandingSurvey(sorted(files, key=by_path), sorted(refused, key=by_path), unreadable)


def scan_landing(landing_dir: Path) -> list[LandedFile]:
    """The regular files under the landing folder (what the landing sensor watches)."""
    return survey_landing(landing_dir).files


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
    def copy(tmp: str) -> None:
        with _open_landed(source) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)

    _store_atomically(target, copy)


def _extension(path: Path) -> str:
    # Shown as display_name shows names: the raw store's file names and the table stay plain text.
    return display_name(path.suffix.lower().lstrip("."))


def _hash_and_keep(f: LandedFile, raw_dir: Path, known: set[str]) -> str:
    """The file's sha256. Content not registered yet is also copied into the raw store here, from
    the bytes already read for the hash, so a new file is read once (big files are streamed)."""
    if f.size_bytes > _READ_WHOLE:
        digest = sha256_of(f.path)
        if digest not in known:
            store_copy(f.path, raw_path_for(raw_dir, digest, _extension(f.path)))
        return digest
    with _open_landed(f.path) as handle:
        data = handle.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest not in known:
        _store_atomically(raw_path_for(raw_dir, digest, _extension(f.path)), lambda tmp: Path(tmp).write_bytes(data))
    return digest


def _hash_or_error(f: LandedFile, raw_dir: Path, known: set[str]) -> str | OSError:
    try:
        return _hash_and_keep(f, raw_dir, known)
    except OSError as exc:  # unreadable now (permissions, removed, replaced by a link): one file, not the run
        return exc


def known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select sha256 from ingest.report_files").fetchall()}


def cached_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, str]]:
    """landing path (as display_name shows it) → (size, mtime_ns, sha256) as last hashed."""
    rows = con.execute("select landing_path, size_bytes, mtime_ns, sha256 from ingest.landed_files").fetchall()
    return {path: (size, mtime, digest) for path, size, mtime, digest in rows}


def hash_landed(
    files: list[LandedFile], cache: dict[str, tuple[int, int, str]], raw_dir: Path, known: set[str]
) -> tuple[dict[Path, str], list[LandedFile], list[NotRead]]:
    """The sha256 of each readable file, read from the cache where size and mtime are unchanged;
    the files that had to be hashed (whose cache entries are new or stale), on several threads;
    and the files that could not be read."""
    digests: dict[Path, str] = {}
    stale: list[LandedFile] = []
    for f in files:
        cached = cache.get(display_name(str(f.path)))
        if cached is not None and cached[:2] == (f.size_bytes, f.mtime_ns):
            digests[f.path] = cached[2]
        else:
            stale.append(f)
    hashed: list[LandedFile] = []
    unreadable: list[NotRead] = []
    if stale:
        with ThreadPoolExecutor(_IO_THREADS) as pool:
            results = list(pool.map(lambda f: _hash_or_error(f, raw_dir, known), stale))
        for f, result in zip(stale, results):
            if isinstance(result, OSError):
                unreadable.append(NotRead(f.path, f"the file cannot be read ({result.strerror or result})"))
            else:
                digests[f.path] = result
                hashed.append(f)
    return digests, hashed, unreadable


def update_hash_cache(con: duckdb.DuckDBPyConnection, hashed: list[LandedFile], digests: dict[Path, str]) -> None:
    if not hashed:
        return
    batch = pa.table(
        {
            "landing_path": [display_name(str(f.path)) for f in hashed],
            "size_bytes": [f.size_bytes for f in hashed],
            "mtime_ns": [f.mtime_ns for f in hashed],
            "sha256": [digests[f.path] for f in hashed],
        }
    )
    con.register("hashed_files", batch)
    con.execute("insert or replace into ingest.landed_files by name select * from hashed_files")
    con.unregister("hashed_files")


def quarantine_refused(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, refused: list[NotRead], now: datetime
) -> None:
    """Quarantine the entries not read, once each: an entry still there on the next run keeps its
    row and time. Nothing was read or copied, so no raw path, and no parser version."""
    if not refused:
        return
    rows = pa.table(
        {
            "sha256": [r.key for r in refused],
            "file_name": [display_name(str(r.path.relative_to(landing_dir))) for r in refused],
            "raw_path": [""] * len(refused),
            "stage": [LANDING_STAGE] * len(refused),
            "reason": [r.reason for r in refused],
            "parser_version": [""] * len(refused),
            "quarantined_at": pa.array([now] * len(refused), pa.timestamp("us")),
        }
    )
    con.register("refused_entries", rows)
    con.execute("insert or ignore into ingest.quarantined_files by name select * from refused_entries")
    con.unregister("refused_entries")


def register_landed_files(con: duckdb.DuckDBPyConnection, landing_dir: Path, raw_dir: Path) -> RegisterOutcome:
    known = known_hashes(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    survey = survey_landing(landing_dir)
    digests, hashed, unreadable = hash_landed(survey.files, cached_hashes(con), raw_dir, known)
    new: list[RegisteredFile] = []
    already_known: list[str] = []
    for f in survey.files:
        digest = digests.get(f.path)
        if digest is None:  # unreadable: in `unreadable`
            continue
        landing_path = display_name(str(f.path))
        # First path per content wins; the same bytes under another name are already known.
        if digest in known:
            already_known.append(landing_path)
            continue
        extension = _extension(f.path)
        target = raw_path_for(raw_dir, digest, extension)
        try:
            store_copy(f.path, target)  # made while hashing unless the hash came from the cache
        except OSError as exc:
            unreadable.append(NotRead(f.path, f"the file cannot be read ({exc.strerror or exc})"))
            continue
        known.add(digest)
        new.append(
            RegisteredFile(digest, display_name(f.path.name), landing_path, str(target), f.size_bytes, extension, now)
        )
    if new:
        batch = pa.Table.from_pylist([vars(f) for f in new])
        con.register("new_files", batch)
        con.execute(
            "insert into ingest.report_files by name "
            "select sha256, file_name, landing_path, raw_path, size_bytes, extension, arrived_at from new_files"
        )
        con.unregister("new_files")
    quarantine_refused(con, landing_dir, survey.refused, now)
    update_hash_cache(con, hashed, digests)
    total = con.execute("select count(*) from ingest.report_files").fetchone()[0]
    return RegisterOutcome(new, already_known, total, survey.refused, [*survey.unreadable, *unreadable])
