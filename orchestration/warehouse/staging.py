"""Parse registered files and load what the parser read into the `parsed` staging tables.

Only files not yet parsed with the current parser version are parsed; a re-parse replaces the
file's rows in every staging table in one transaction, so a file is never half-loaded or loaded
twice. Files the parser refuses go to ingest.quarantined_files with the parser's reason.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from orchestration.parsing.model import ParseResult, Region
from orchestration.warehouse import tables

# Below this many files a process pool costs more (start-up, imports) than it saves.
POOL_THRESHOLD = 64
# Files parsed and loaded together: bounds the memory a batch's rows take while keeping each
# load one bulk insert per table.
BATCH_SIZE = 2000


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
}
ROW_SCHEMAS: dict[str, pa.Schema] = {
    t.qualified: pa.schema([(c.name, _ARROW_TYPES[c.type]) for c in t.columns]) for t in tables.FROM_PARSER
}

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


def parse_one(parse_file: Callable[[str], ParseResult], item: PendingFile) -> ParseResult:
    try:
        result = parse_file(item.raw_path)
    except Exception as exc:  # the parser must not raise; if it does, the file is quarantined, not lost
        result = ParseResult(
            file=item.file_name,
            sha256=item.sha256,
            status="error",
            error=f"the parser failed unexpectedly ({type(exc).__name__}: {exc})",
        )
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
    return {table: _arrow(table_rows, ROW_SCHEMAS[table]) for table, table_rows in rows.items()}


def _arrow(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    if not rows:
        return schema.empty_table()
    columns = zip(*rows)
    return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema)], schema=schema)


def _parse_chunk(
    parse_file: Callable[[str], ParseResult], items: Sequence[PendingFile], parser_version: str
) -> StagingRows:
    """Runs in a pool worker: parse and turn the results into Arrow tables there, so what comes
    back to the loading process is a few compact buffers, not a report's many Python objects."""
    results = [parse_one(parse_file, item) for item in items]
    return staging_rows(results, parser_version, {item.sha256: item.raw_path for item in items})


def _concat(parts: Sequence[StagingRows]) -> StagingRows:
    return {table: pa.concat_tables([p[table] for p in parts]) for table in ROW_SCHEMAS}


def _chunks(items: Sequence[PendingFile], workers: int) -> list[Sequence[PendingFile]]:
    size = max(1, len(items) // (workers * 8))  # small enough that the workers finish together
    return [items[i : i + size] for i in range(0, len(items), size)]


def parse_batches(
    items: Sequence[PendingFile],
    parse_file: Callable[[str], ParseResult],
    parser_version: str,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[StagingRows]:
    """The staging rows of the files, batch by batch, parsed on every core through one process
    pool. The next batch is handed to the pool before a batch is yielded, so the caller loads one
    while the pool parses the next."""
    if len(items) < POOL_THRESHOLD:
        if items:
            yield _parse_chunk(parse_file, items, parser_version)
        return
    workers = workers or os.cpu_count() or 1
    batches = [items[i : i + batch_size] for i in range(0, len(items), batch_size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:

        def submit(batch):
            return [pool.submit(_parse_chunk, parse_file, chunk, parser_version) for chunk in _chunks(batch, workers)]

        running = submit(batches[0])
        for following in [*batches[1:], None]:
            done = _concat([future.result() for future in running])
            if following is not None:
                running = submit(following)
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
) -> LoadOutcome:
    """Parse and load batch by batch, each batch in its own transaction, so a crash loses at most
    one batch (the next run parses what is not loaded yet). One connection serves every batch:
    opening the warehouse per batch re-read its catalog and indexes and checkpointed on close."""
    parsed = quarantined = 0
    written: dict[str, int] = {}
    parse_seconds = load_seconds = 0.0
    batches = parse_batches(items, parse_file, parser_version, workers=workers, batch_size=batch_size)
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
