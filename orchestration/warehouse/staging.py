"""Parse registered files and load what the parser read into the `parsed` staging tables.

Only files not yet parsed with the current parser version are parsed; a re-parse replaces the
file's rows in every staging table in one transaction, so a file is never half-loaded or loaded
twice. Files the parser refuses go to ingest.quarantined_files with the parser's reason.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from itertools import repeat

import duckdb
import pyarrow as pa

from orchestration.parsing.model import ParseResult

# Below this many files a process pool costs more (start-up, imports) than it saves.
POOL_THRESHOLD = 64
# Files parsed and loaded together: bounds the memory parse results take (a report's results
# are ~100 KB of Python objects) while keeping each load one bulk insert per table.
BATCH_SIZE = 2000

STAGING_TABLES = (
    "parsed.reports",
    "parsed.table2_cells",
    "parsed.table3_cells",
    "parsed.table4_cells",
    "parsed.narrative_metrics",
    "parsed.report_checks",
    "ingest.quarantined_files",
)


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


def _parse_one(parse_file: Callable[[str], ParseResult], item: PendingFile) -> ParseResult:
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


def _chunksize(n: int, workers: int) -> int:
    return max(1, n // (workers * 8))


def parse_pending(
    items: Sequence[PendingFile],
    parse_file: Callable[[str], ParseResult],
    workers: int | None = None,
) -> list[ParseResult]:
    return [r for batch in parse_batches(items, parse_file, workers=workers, batch_size=max(1, len(items))) for r in batch]


def parse_batches(
    items: Sequence[PendingFile],
    parse_file: Callable[[str], ParseResult],
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[ParseResult]]:
    """Parse results batch by batch, on every core through one process pool. The next batch is
    handed to the pool before a batch is yielded, so the caller loads one while the pool parses
    the next."""
    if len(items) < POOL_THRESHOLD:
        if items:
            yield [_parse_one(parse_file, item) for item in items]
        return
    workers = workers or os.cpu_count() or 1
    batches = [items[i:i + batch_size] for i in range(0, len(items), batch_size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        def submit(batch):
            return pool.map(_parse_one, repeat(parse_file), batch, chunksize=_chunksize(len(batch), workers))

        running = submit(batches[0])
        for following in [*batches[1:], None]:
            done = list(running)
            if following is not None:
                running = submit(following)
            yield done


def _frames(results: Iterable[ParseResult], parser_version: str, file_paths: dict[str, str]):
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    reports, cells, metrics, checks, quarantine = [], {2: [], 3: [], 4: []}, [], [], []
    for r in results:
        if r.status != "ok":
            quarantine.append(
                {
                    "sha256": r.sha256,
                    "file_name": r.file,
                    "raw_path": file_paths[r.sha256],
                    "stage": "parse",
                    "reason": r.error or "unknown parser error",
                    "parser_version": parser_version,
                    "quarantined_at": now,
                }
            )
            continue
        region = r.region
        reports.append(
            {
                "sha256": r.sha256,
                "file_name": r.file,
                "parser_version": parser_version,
                "parsed_at": now,
                "format": r.format,
                "encoding": r.encoding,
                "script": r.script,
                "doc_type": r.doc_type,
                "layout": r.layout,
                "is_template": bool(r.is_template),
                "title": r.title,
                "agency": r.agency,
                "province": region.province if region else None,
                "city": region.city if region else None,
                "county": region.county if region else None,
                "region_code": region.code if region else None,
                "report_year": r.report_year,
                "publish_date": r.publish_date,
                "repairs": list(r.repairs),
                "flags": list(r.flags),
            }
        )
        for c in r.cells:
            key = "group_code" if c.table == 4 else "row_code"
            cells[c.table].append(
                {"sha256": r.sha256, key: c.row, "column_code": c.column, "value": c.value, "raw": c.raw}
            )
        metrics.extend(
            {"sha256": r.sha256, "metric_name": m.name, "value": m.value, "unit": m.unit, "evidence": m.evidence}
            for m in r.metrics
        )
        checks.extend(
            {"sha256": r.sha256, "rule": c.rule, "scope": c.scope, "status": c.status, "detail": c.detail}
            for c in r.checks
        )
    return {
        "parsed.reports": reports,
        "parsed.table2_cells": cells[2],
        "parsed.table3_cells": cells[3],
        "parsed.table4_cells": cells[4],
        "parsed.narrative_metrics": metrics,
        "parsed.report_checks": checks,
        "ingest.quarantined_files": quarantine,
    }


def _any_loaded_before(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any file of the batch has rows already. Every loaded file has a row in
    parsed.reports or ingest.quarantined_files (primary keys: cheap to probe), so new files skip
    the deletes, which would scan the cell tables (tens of millions of rows) once per batch."""
    return con.execute(
        "select exists(select 1 from parsed.reports where sha256 in (select sha256 from batch_shas)) "
        "or exists(select 1 from ingest.quarantined_files where sha256 in (select sha256 from batch_shas))"
    ).fetchall()[0][0]


def load_results(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[ParseResult],
    parser_version: str,
    file_paths: dict[str, str],
) -> LoadOutcome:
    """Replace the rows of every parsed file in one transaction, in bulk (one insert per table)."""
    if not results:
        return LoadOutcome(parsed=0, quarantined=0, rows_written={})
    frames = _frames(results, parser_version, file_paths)
    shas = pa.table({"sha256": sorted({r.sha256 for r in results})})
    written = {}
    con.execute("begin transaction")
    try:
        con.register("batch_shas", shas)
        if _any_loaded_before(con):  # a re-parse: its old rows go first
            for table in STAGING_TABLES:
                con.execute(f"delete from {table} where sha256 in (select sha256 from batch_shas)")
        for table, rows in frames.items():
            written[table] = len(rows)
            if not rows:
                continue
            con.register("batch_rows", pa.Table.from_pylist(rows))
            con.execute(f"insert into {table} by name select * from batch_rows")
            con.unregister("batch_rows")
        con.unregister("batch_shas")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return LoadOutcome(
        parsed=len(frames["parsed.reports"]),
        quarantined=len(frames["ingest.quarantined_files"]),
        rows_written=written,
    )


def parse_and_load(
    connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    items: Sequence[PendingFile],
    parse_file: Callable[[str], ParseResult],
    parser_version: str,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> LoadOutcome:
    """Parse and load batch by batch. Each batch is loaded in its own transaction on a
    short-lived connection, so memory stays bounded and a crash loses at most one batch (the
    next run parses what is not loaded yet)."""
    paths = {p.sha256: p.raw_path for p in items}
    parsed = quarantined = 0
    written: dict[str, int] = {}
    parse_seconds = load_seconds = 0.0
    batches = parse_batches(items, parse_file, workers=workers, batch_size=batch_size)
    while True:
        started = time.perf_counter()
        batch = next(batches, None)
        parse_seconds += time.perf_counter() - started
        if batch is None:
            break
        started = time.perf_counter()
        with connect() as con:
            outcome = load_results(con, batch, parser_version, paths)
        load_seconds += time.perf_counter() - started
        parsed += outcome.parsed
        quarantined += outcome.quarantined
        for table, n in outcome.rows_written.items():
            written[table] = written.get(table, 0) + n
    return LoadOutcome(parsed, quarantined, written, parse_seconds, load_seconds)
