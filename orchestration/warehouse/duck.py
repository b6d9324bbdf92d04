"""Short-lived DuckDB connections to the warehouse file, and the claim a run holds on it.

DuckDB allows one writer per file and a reader's open connection blocks it, so every caller
opens, works and closes (a `with` block) instead of holding a connection across steps. A whole
pipeline run holds a claim on the warehouse (a lock file beside it), so a second run is told
which run has it instead of failing on DuckDB's lock halfway through a step.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.warehouse import tables


@contextlib.contextmanager
def connect(path: Path | str, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": settings.duckdb_memory_limit()})
    try:
        yield con
    finally:
        con.close()


def ensure_staging_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(tables.schema_sql())


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def row_count(con: duckdb.DuckDBPyConnection, qualified_table: str) -> int:
    return con.execute(f"select count(*) from {qualified_table}").fetchone()[0]


# ---------------------------------------------------------------- the claim of a run


def process_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks after boot, from /proc), so that a later process
    reusing the pid is not taken for it; None if no such process runs (a zombie, killed but not
    yet reaped by its parent, does not). Without /proc (macOS): "" for any existing process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        if Path("/proc/self").exists():
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:  # another user's process: it exists
            pass
        return ""
    # The command name (field 2, in parentheses) may hold spaces: fields count from its end.
    state, *fields = stat[stat.rfind(b")") + 2 :].split()
    return None if state in (b"Z", b"X") else fields[18].decode()  # field 22, starttime


@dataclass(frozen=True)
class Owner:
    """The process running a pipeline run: enough to tell later whether it is still alive."""

    run_id: str
    host: str
    pid: int
    started: str  # process_start() of pid when the run began

    @classmethod
    def this_process(cls, run_id: str) -> Owner:
        return cls(run_id, socket.gethostname(), os.getpid(), process_start(os.getpid()) or "")

    def alive(self) -> bool | None:
        """None when the process is on another host: this one cannot tell."""
        if self.host != socket.gethostname():
            return None
        return process_start(self.pid) == self.started

    def __str__(self) -> str:
        here = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"run {self.run_id} / pid {self.pid}{here}"


class WarehouseBusy(RuntimeError):
    def __init__(self, holder: Owner | None):
        self.holder = holder
        super().__init__(f"another run holds the warehouse: {holder or 'a run starting up'}")


def claim_path(warehouse: Path | str) -> Path:
    path = Path(warehouse).resolve()
    return path.with_name(path.name + ".run-lock")


_NOBODY_YET = object()  # no holder reported to on_wait so far

# The claims this process holds, by lock file. POSIX locks belong to a process, and closing any
# descriptor of the file drops them: the run's own steps must reuse the claim, not reopen it.
_held: dict[Path, Owner] = {}


def _holder(fd: int) -> Owner | None:
    text = os.pread(fd, 4096, 0)
    try:
        return Owner(**json.loads(text))
    except (ValueError, TypeError):  # empty: the holder has not written itself yet
        return None


@contextlib.contextmanager
def claim(
    warehouse: Path | str,
    run_id: str,
    *,
    wait: bool = False,
    on_wait: Callable[[Owner | None], None] = lambda holder: None,
    poll_seconds: float = 1.0,
) -> Iterator[Owner]:
    """Hold the warehouse for one run. Another process holding it: WarehouseBusy, or with `wait`
    wait for it (`on_wait` is told who holds it, once per holder). A claim this process holds
    already is reused (the run's resource inside `make run`, which claimed it first).

    A POSIX lock (lockf): the kernel drops it when its process dies, even by kill -9, so a dead
    run never holds the warehouse; and unlike flock it is not inherited by forked children (the
    parse pool), which may outlive a killed run."""
    path = claim_path(warehouse)
    if path in _held:
        yield _held[path]
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        told: object = _NOBODY_YET
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:  # EAGAIN or EACCES: held by another process
                holder = _holder(fd)
                if not wait:
                    raise WarehouseBusy(holder) from None
                if holder != told:
                    on_wait(holder)
                    told = holder
                time.sleep(poll_seconds)
        owner = Owner.this_process(run_id)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(owner)).encode(), 0)
        _held[path] = owner
        try:
            yield owner
        finally:
            del _held[path]
            os.ftruncate(fd, 0)  # a process reading it before the next claim learns nothing stale
    finally:
        os.close(fd)  # releases the lock


class WarehouseLocked(RuntimeError):
    """Another process holds DuckDB's own lock on the warehouse file past the wait: a killed run's
    dbt still at work, or a program opened on the working file instead of the published copy."""


def wait_for_writers(
    path: Path | str, *, timeout_seconds: float, on_wait: Callable[[str], None], poll_seconds: float = 1.0
) -> None:
    """Return once the warehouse file can be opened for writing. A run killed while dbt was
    building leaves dbt running on (until its build ends or its output pipe breaks), holding
    DuckDB's lock on the file: the next run waits for it rather than failing in its first step."""
    path = Path(path)
    deadline = time.monotonic() + timeout_seconds
    told = False
    while path.exists():
        try:
            with connect(path):
                return
        except duckdb.IOException as error:
            if "Could not set lock" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise WarehouseLocked(
                    f"the warehouse file is still locked after {timeout_seconds:.0f} s: {error}"
                ) from error
            if not told:
                on_wait(str(error))
                told = True
            time.sleep(poll_seconds)
