"""Parse registered files and load what the parser read into the `parsed` staging tables.

Only files not yet parsed with the current parser version are parsed; a re-parse replaces the
file's rows in every staging table in one transaction, so a file is never half-loaded or loaded
twice. Files the parser refuses go to ingest.quarantined_files with the parser's reason.

No file can stall or kill the step: every parse runs in a worker process within a budget per
file (ParseBudget), a wall time the loading process watches (it kills the worker) and a memory
limit the worker sets itself (RLIMIT_AS). A file over its budget, or whose parse kills its worker,
is quarantined with that reason while the other files are parsed; being quarantined by this
parser version, it is not tried again until the parser changes.
"""

from __future__ import annotations

import ctypes
import gc
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing import connection, get_context

import duckdb
import pyarrow as pa

from orchestration import settings
from orchestration.parsing.model import ParseResult, Region
from orchestration.warehouse import tables

# Files parsed and loaded together: bounds the memory a batch's rows take while keeping each
# load one bulk insert per table.
BATCH_SIZE = 2000
# Workers are forked: one starts in milliseconds with the parser already imported, so even a
# single file is parsed in one (the only way to bound its memory and time).
_MP = get_context("fork")


@dataclass(frozen=True)
class PendingFile:
    sha256: str
    file_name: str
    raw_path: str


@dataclass(frozen=True)
class LoadOutcome:
    parsed: int
    quarantined: int
    rows_written: dict[str, int]
    parse_seconds: float = 0.0  # waiting for the pool (parsing overlaps the loads)
    load_seconds: float = 0.0


@dataclass(frozen=True)
class ParseBudget:
    """What one file's parse may take: wall time, and memory beyond what its worker had mapped
    when it started (the libraries it holds are not the file's to pay for)."""

    seconds: float
    memory_mb: int

    @classmethod
    def from_settings(cls) -> ParseBudget:
        return cls(settings.parse_seconds(), settings.parse_memory_mb())

    @property
    def time_reason(self) -> str:
        return f"parse exceeded its time budget ({self.seconds:g} s)"

    @property
    def memory_reason(self) -> str:
        return f"parse exceeded its memory budget ({self.memory_mb} MB)"


# The rows the parser hands to each staging table it feeds travel as Arrow columns of these types.
# Explicit types keep a chunk whose values are all null (no Table 2 anywhere, say) the same type as
# the others; a date travels as the parser's ISO text and DuckDB casts it on insert.
_ARROW_TYPES = {
    "varchar": pa.string(),
    "varchar[]": pa.list_(pa.string()),
    "boolean": pa.bool_(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "timestamp": pa.timestamp("us"),
    "date": pa.string(),
    "blob": pa.binary(),
}


def arrow_schema(table: tables.Table) -> pa.Schema:
    """The Arrow schema of a declared table's rows, as the loaders insert them."""
    return pa.schema([(c.name, _ARROW_TYPES[c.type]) for c in table.columns])


ROW_SCHEMAS: dict[str, pa.Schema] = {t.qualified: arrow_schema(t) for t in tables.FROM_PARSER}

StagingRows = dict[str, pa.Table]  # staging table → rows to insert


def pending_files(con: duckdb.DuckDBPyConnection, parser_version: str) -> list[PendingFile]:
    """Registered files with no result (parsed or quarantined) from this parser version."""
    rows = con.execute(
        """
        select f.sha256, f.file_name, f.raw_path
        from ingest.report_files f
        where f.sha256 not in (select sha256 from parsed.reports where parser_version = $v)
          and f.sha256 not in (select sha256 from ingest.quarantined_files where parser_version = $v)
        order by f.arrived_at, f.sha256
        """,
        {"v": parser_version},
    ).fetchall()
    return [PendingFile(*row) for row in rows]


def _refused(item: PendingFile, reason: str) -> ParseResult:
    return ParseResult(file=item.file_name, sha256=item.sha256, status="error", error=reason)


def parse_one(parse_file: Callable[[str], ParseResult], item: PendingFile, budget: ParseBudget) -> ParseResult:
    try:
        result = parse_file(item.raw_path)
    except MemoryError:  # the worker's address space limit: the file, not the parser, is at fault
        return _refused(item, budget.memory_reason)
    except Exception as exc:  # the parser must not raise; if it does, the file is quarantined, not lost
        return _refused(item, f"the parser failed unexpectedly ({type(exc).__name__}: {exc})")
    # The raw store names files by hash; the report keeps the name it landed with. The hash is
    # the registered one even when the parser refused the file unread (too large).
    return replace(result, file=item.file_name, sha256=item.sha256)


_NO_REGION = Region(None, None, None, None)


def staging_rows(results: Iterable[ParseResult], parser_version: str, raw_paths: Mapping[str, str]) -> StagingRows:
    """The rows each staging table gets from these parse results, as Arrow tables."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows: dict[str, list[tuple]] = {table: [] for table in ROW_SCHEMAS}
    cells = {2: rows["parsed.table2_cells"], 3: rows["parsed.table3_cells"], 4: rows["parsed.table4_cells"]}
    for r in results:
        sha = r.sha256
        if r.status != "ok":
            rows["ingest.quarantined_files"].append(
                (sha, r.file, raw_paths[sha], "parse", r.error or "unknown parser error", parser_version, now)
            )
            continue
        region = r.region or _NO_REGION
        rows["parsed.reports"].append(
            (
                sha,
                r.file,
                parser_version,
                now,
                r.format,
                r.encoding,
                r.script,
                r.doc_type,
                r.layout,
                r.table3_outcome_layout,
                bool(r.is_template),
                r.title,
                r.agency,
                region.province,
                region.city,
                region.county,
                region.code,
                r.report_year,
                r.publish_date,
                list(r.repairs),
                list(r.flags),
            )
        )
        for c in r.cells:
            cells[c.table].append((sha, c.row, c.column, c.value, c.raw))
        rows["parsed.narrative_metrics"].extend((sha, m.name, m.value, m.unit, m.evidence) for m in r.metrics)
        rows["parsed.report_checks"].extend((sha, c.rule, c.scope, c.status, c.detail, c.lhs, c.rhs) for c in r.checks)
        rows["parsed.report_sections"].extend((sha, s.number, s.heading, s.text, len(s.text)) for s in r.sections)
    return {table: arrow_rows(table_rows, ROW_SCHEMAS[table]) for table, table_rows in rows.items()}


def arrow_rows(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    if not rows:
        return schema.empty_table()
    columns = zip(*rows)
    return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema)], schema=schema)


def _rows(results: Iterable[ParseResult], items: Sequence[PendingFile], parser_version: str) -> StagingRows:
    return staging_rows(results, parser_version, {item.sha256: item.raw_path for item in items})


def _concat(parts: Sequence[StagingRows]) -> StagingRows:
    return {table: pa.concat_tables([p[table] for p in parts]) for table in ROW_SCHEMAS}


def _chunks(items: Sequence[PendingFile], workers: int) -> list[Sequence[PendingFile]]:
    size = max(1, len(items) // (workers * 8))  # small enough that the workers finish together
    return [items[i : i + size] for i in range(0, len(items), size)]


# A worker's progress, in memory it shares with the loading process: the index in its chunk of
# the file it is parsing (NOT_STARTED before the first, len(chunk) once it builds the rows), and
# since when, by time.monotonic_ns (one clock for all processes). The time is written first, so
# an index is never read with an older time than its own: a file is never blamed for the time
# the one before it took. No message per file: the chunk goes out and its rows come back whole.
_INDEX, _SINCE = 0, 1
NOT_STARTED = -1
_PR_SET_PDEATHSIG = 1  # prctl(2)


def _mark(progress, index: int) -> None:
    progress[_SINCE] = time.monotonic_ns()
    progress[_INDEX] = index


def _limit_memory(budget_mb: int) -> None:
    """Cap the worker's address space at what it maps now (the loading process's, as forked) plus
    the budget: an allocation past it raises MemoryError instead of swapping the machine."""
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + budget_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _die_with(parent: int) -> None:
    """Have the kernel kill the worker when the process (thread) that forked it ends, even by
    kill -9: a parse stuck in a loop would otherwise run on with no one left to stop it."""
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the call
        os._exit(0)


def collect_garbage_for_parsing() -> None:
    """Garbage collection set for a process that parses file after file: the parser makes many
    short-lived objects and almost no reference cycles, so the default (a collection every 700
    allocations, a full one now and then over every object the worker holds, its caches too) took
    2-3 % of a worker's time. What exists when the worker starts is left out of collections for
    good, and the young generation is collected 14 times less often."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)


def _work(
    conn: connection.Connection,
    progress,
    parse_file: Callable[[str], ParseResult],
    parser_version: str,
    budget: ParseBudget,
    parent: int,
) -> None:
    """A worker's life: parse each chunk it is sent and send back its staging rows, built here so
    what travels is a few compact Arrow buffers, not a report's many Python objects."""
    _die_with(parent)
    _limit_memory(budget.memory_mb)
    collect_garbage_for_parsing()
    while True:
        try:
            items = conn.recv()
        except EOFError:  # the loading process is gone
            return
        results = []
        for index, item in enumerate(items):
            _mark(progress, index)
            results.append(parse_one(parse_file, item, budget))
        _mark(progress, len(items))
        conn.send(_rows(results, items, parser_version))


@dataclass(frozen=True)
class _Unit:
    """Files a worker parses in one go, and where their rows go in the batch. `alone`: a file run
    by itself because its worker died while parsing it (the OOM killer may have chosen that
    worker for another's sake), so a second death is its own."""

    items: Sequence[PendingFile]
    position: int
    alone: bool = False


class _Worker:
    def __init__(self, parse_file: Callable[[str], ParseResult], parser_version: str, budget: ParseBudget):
        self.progress = _MP.RawArray("q", 2)
        self.conn, child = _MP.Pipe()
        self.process = _MP.Process(
            target=_work, args=(child, self.progress, parse_file, parser_version, budget, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.unit: _Unit | None = None

    def give(self, unit: _Unit) -> None:
        _mark(self.progress, NOT_STARTED)
        self.unit = unit
        with suppress(OSError):  # it died idle (killed from outside): the next wait sees its death
            self.conn.send(list(unit.items))

    def current(self) -> tuple[int, int]:
        """The index of the file it is parsing, and since when (monotonic ns)."""
        return self.progress[_INDEX], self.progress[_SINCE]

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _death(exitcode: int) -> str:
    if exitcode < 0:
        return f"parse worker died (signal {-exitcode}, {signal.Signals(-exitcode).name})"
    return f"parse worker died (exit code {exitcode})"


class _WorkerPool:
    """Worker processes that parse a batch's chunks. A worker whose file runs over the time budget
    is killed; a worker that dies or is killed is replaced, the file it was parsing quarantined
    (if it died, after dying again alone) and the rest of its chunk parsed again."""

    def __init__(self, size: int, parse_file: Callable[[str], ParseResult], parser_version: str, budget: ParseBudget):
        self.size, self.parse_file, self.parser_version, self.budget = size, parse_file, parser_version, budget
        self.idle: list[_Worker] = []

    def __enter__(self) -> _WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.idle:
            worker.kill()  # an idle worker holds nothing: no need for a clean exit

    def run(self, batch: Sequence[PendingFile]) -> StagingRows:
        todo = deque(_Unit(chunk, position) for position, chunk in enumerate(_chunks(batch, self.size)))
        parts: list[tuple[int, StagingRows]] = []
        busy: list[_Worker] = []
        try:
            while todo or busy:
                while todo and len(busy) < self.size:
                    worker = self._idle_worker()
                    worker.give(todo.popleft())
                    busy.append(worker)
                ready = connection.wait([w.conn for w in busy], timeout=self._wait(busy))
                busy = [w for w in busy if not self._collect(w, w.conn in ready, todo, parts)]
        finally:
            for worker in busy:  # stopped by an error: what they were doing is lost anyway
                worker.kill()
        return _concat([rows for _, rows in sorted(parts, key=lambda part: part[0])])

    def _idle_worker(self) -> _Worker:
        while self.idle:
            worker = self.idle.pop()
            if worker.process.is_alive():
                return worker
            worker.kill()
        return _Worker(self.parse_file, self.parser_version, self.budget)

    def _wait(self, busy: list[_Worker]) -> float:
        """Seconds until the first file being parsed runs out of time."""
        deadline = min(since for _, since in map(_Worker.current, busy)) + self.budget.seconds * 1e9
        return max(0.0, (deadline - time.monotonic_ns()) / 1e9)

    def _collect(self, worker: _Worker, readable: bool, todo: deque[_Unit], parts: list) -> bool:
        """Take the rows the worker sent, or deal with its death (its pipe reads as closed) or its
        overrun; False while it is still at work within the budget."""
        unit = worker.unit
        if readable:
            try:
                parts.append((unit.position, worker.conn.recv()))
            except (EOFError, OSError):  # dead, maybe halfway through sending
                pass
            else:
                worker.unit = None
                self.idle.append(worker)
                return True
        index, since = worker.current()
        if not readable and time.monotonic_ns() - since < self.budget.seconds * 1e9:
            return False
        worker.kill()
        reason = _death(worker.process.exitcode) if readable else self.budget.time_reason
        refused, retry = _blame(unit, index, retry_alone=readable)
        if refused:
            parts.append((unit.position, _rows([_refused(refused, reason)], [refused], self.parser_version)))
        todo.extendleft(reversed(retry))
        return True


def _blame(unit: _Unit, index: int, retry_alone: bool) -> tuple[PendingFile | None, list[_Unit]]:
    """Of a unit whose worker failed at file `index`: the file to quarantine, if any, and what is
    parsed again. A failure outside any file's parse blames no file yet: each is run alone."""
    items, position = unit.items, unit.position
    if not 0 <= index < len(items):
        if unit.alone:
            return items[0], []
        return None, [_Unit([item], position, alone=True) for item in items]
    culprit, rest = items[index], [*items[:index], *items[index + 1 :]]
    retry = [_Unit(rest, position)] if rest else []
    if retry_alone and not unit.alone:
        return None, [_Unit([culprit], position, alone=True), *retry]
    return culprit, retry


def parse_batches(
    items: Sequence[PendingFile],
    parse_file: Callable[[str], ParseResult],
    parser_version: str,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    budget: ParseBudget | None = None,
) -> Iterator[StagingRows]:
    """The staging rows of the files, batch by batch, parsed on every core by worker processes
    within the budget (the settings' by default). The next batch is parsed (from a thread that
    drives the workers) while the caller loads the one yielded."""
    if not items:
        return
    budget = budget or ParseBudget.from_settings()
    workers = min(workers or os.cpu_count() or 1, len(items))
    batches = [items[i : i + batch_size] for i in range(0, len(items), batch_size)]
    with _WorkerPool(workers, parse_file, parser_version, budget) as pool, ThreadPoolExecutor(1) as ahead:
        running = ahead.submit(pool.run, batches[0])
        for following in [*batches[1:], None]:
            done = running.result()
            if following is not None:
                running = ahead.submit(pool.run, following)
            yield done


def _any_loaded_before(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any file of the batch has rows already. Every loaded file has a row in
    parsed.reports or ingest.quarantined_files (primary keys: cheap to probe), so new files skip
    the deletes, which would scan the cell tables (tens of millions of rows) once per batch."""
    return con.execute(
        "select exists(select 1 from parsed.reports where sha256 in (select sha256 from batch_shas)) "
        "or exists(select 1 from ingest.quarantined_files where sha256 in (select sha256 from batch_shas))"
    ).fetchall()[0][0]


def load_rows(con: duckdb.DuckDBPyConnection, rows: StagingRows) -> LoadOutcome:
    """Replace the rows of every file in `rows` in one transaction, in bulk (one insert per table)."""
    shas = pa.table(
        {
            "sha256": pa.concat_arrays(
                [
                    rows["parsed.reports"]["sha256"].combine_chunks(),
                    rows["ingest.quarantined_files"]["sha256"].combine_chunks(),
                ]
            )
        }
    )
    if not shas.num_rows:
        return LoadOutcome(parsed=0, quarantined=0, rows_written={})
    con.execute("begin transaction")
    try:
        con.register("batch_shas", shas)
        if _any_loaded_before(con):  # a re-parse: its old rows go first
            for table in ROW_SCHEMAS:
                con.execute(f"delete from {table} where sha256 in (select sha256 from batch_shas)")
        for table, batch_rows in rows.items():
            if batch_rows.num_rows:
                con.register("batch_rows", batch_rows)
                con.execute(f"insert into {table} by name select * from batch_rows")
                con.unregister("batch_rows")
        con.unregister("batch_shas")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return LoadOutcome(
        parsed=rows["parsed.reports"].num_rows,
        quarantined=rows["ingest.quarantined_files"].num_rows,
        rows_written={table: t.num_rows for table, t in rows.items()},
    )


def parse_and_load(
    connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    items: Sequence[PendingFile],
    parse_file: Callable[[str], ParseResult],
    parser_version: str,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    budget: ParseBudget | None = None,
) -> LoadOutcome:
    """Parse and load batch by batch, each batch in its own transaction, so a crash loses at most
    one batch (the next run parses what is not loaded yet). One connection serves every batch:
    opening the warehouse per batch re-read its catalog and indexes and checkpointed on close."""
    parsed = quarantined = 0
    written: dict[str, int] = {}
    parse_seconds = load_seconds = 0.0
    batches = parse_batches(items, parse_file, parser_version, workers=workers, batch_size=batch_size, budget=budget)
    with connect() as con:
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            parse_seconds += time.perf_counter() - started
            if batch is None:
                break
            started = time.perf_counter()
            outcome = load_rows(con, batch)
            load_seconds += time.perf_counter() - started
            parsed += outcome.parsed
            quarantined += outcome.quarantined
            for table, n in outcome.rows_written.items():
                written[table] = written.get(table, 0) + n
    return LoadOutcome(parsed, quarantined, written, parse_seconds, load_seconds)
