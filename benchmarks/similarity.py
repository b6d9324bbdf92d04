"""The copy detector's cost (orchestration/similarity) on a generated corpus.

    .venv/bin/python -m benchmarks.corpus /tmp/acc100k -n 100000 --seed 1
    .venv/bin/python -m benchmarks.similarity /tmp/acc100k [--sizes 10000 100000] [--work DIR]

For each size N: a warehouse of the corpus's first N - 1,000 files (in ground-truth order, so an
agency's years stay together) is parsed and its agencies resolved, unless WORK already holds it
(neither is timed); then the detector runs on it from scratch (every report hashed), and again
after the next 1,000 files were parsed (the nightly run: only those are hashed). Printed per run:
seconds of hashing, banding (boilerplate bins and LSH buckets), candidate pairs scored, the total,
and the process's peak memory during the run (VmHWM, reset before each run; DuckDB's buffers, up
to GOVREPORTS_DUCKDB_MEMORY_LIMIT, are in it: tracemalloc put Python's and numpy's own peak at
about 360 MB of it at 70,000 reports, but slows the run twofold, so it is not measured here).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from orchestration.parsing import PARSER_VERSION, parse_file
from orchestration.warehouse import duck, identity_store, similarity_store, staging


def _files(corpus: Path) -> list[Path]:
    with open(corpus / "ground_truth.jsonl", encoding="utf-8") as truth:
        return [corpus / "landing" / json.loads(line)["file"] for line in truth]


def _register(con, paths: list[Path]) -> None:
    """Register the files where they lie (no copy into a raw store: not what is measured)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for path in paths:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        rows.append((sha, path.name, str(path), str(path), len(data), path.suffix.lstrip("."), now))
    con.register("bench_files", pa.Table.from_pylist([dict(zip(_COLUMNS, row)) for row in rows]))
    con.execute("insert or ignore into ingest.report_files select * from bench_files")
    con.unregister("bench_files")


_COLUMNS = ("sha256", "file_name", "landing_path", "raw_path", "size_bytes", "extension", "arrived_at")


def _parse(warehouse: Path, paths: list[Path]) -> None:
    started = time.perf_counter()
    with duck.connect(warehouse) as con:
        duck.ensure_staging_schema(con)
        _register(con, paths)
        pending = staging.pending_files(con, PARSER_VERSION)
    staging.parse_and_load(lambda: duck.connect(warehouse), pending, parse_file, PARSER_VERSION)
    with duck.connect(warehouse) as con:
        identity_store.resolve_into(con)
    print(f"  parsed and resolved {len(pending)} file(s) in {time.perf_counter() - started:.0f} s (not the detector)")


def _peak_reset() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets VmHWM to the current RSS


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def _run(warehouse: Path, label: str) -> dict:
    _peak_reset()
    with duck.connect(warehouse) as con:
        outcome = similarity_store.match_into(con)
    figures = {
        "run": label,
        "reports_hashed": outcome.hashed,
        "reports_compared": outcome.reports,
        "pairs_scored": outcome.pairs,
        "matches_at_or_above_threshold": outcome.matches,
        "truncated_buckets": outcome.truncated_buckets,
        **{f"{phase}_s": round(seconds, 2) for phase, seconds in outcome.seconds.items()},
        "peak_rss_mb": round(_peak_mb()),
    }
    print("  " + json.dumps(figures, ensure_ascii=False))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/similarity-bench"))
    parser.add_argument("--nightly", type=int, default=1000, help="files added before the second run")
    args = parser.parse_args()
    files = _files(args.corpus)
    for size in args.sizes:
        size = min(size, len(files))
        base = size - args.nightly
        warehouse = args.work / f"n{size}" / "warehouse.duckdb"
        print(f"{size} files: {base} then +{args.nightly}")
        _parse(warehouse, files[:base])
        with duck.connect(warehouse) as con:
            con.execute("drop schema if exists similarity cascade")
            duck.ensure_staging_schema(con)
        _run(warehouse, f"from scratch on {base} files")
        _run(warehouse, "again, nothing new")
        _parse(warehouse, files[base:size])
        _run(warehouse, f"nightly: +{args.nightly} files")


if __name__ == "__main__":
    main()
