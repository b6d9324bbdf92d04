"""Whether the dbt models are already built from what the staging tables hold now.

A nightly run with nothing new would otherwise rebuild every model and re-run every check. The
fingerprint covers everything a build reads: each staging table's row count and latest write
time, and the checksums dbt keeps of every model, seed, test and macro (a code change rebuilds).
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb

# (table, timestamp column or None): row counts catch deletes and hand edits, times catch re-parses.
_STAGING = (
    ("ingest.report_files", "arrived_at"),
    ("ingest.quarantined_files", "quarantined_at"),
    ("parsed.reports", "parsed_at"),
    ("parsed.table2_cells", None),
    ("parsed.table3_cells", None),
    ("parsed.table4_cells", None),
    ("parsed.narrative_metrics", None),
    ("parsed.report_checks", None),
)


def code_checksum(manifest_path: Path) -> str:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    parts = sorted(
        f"{uid}:{node.get('checksum', {}).get('checksum', '')}"
        for section in ("nodes", "macros", "sources")
        for uid, node in manifest.get(section, {}).items()
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def fingerprint(con: duckdb.DuckDBPyConnection, code: str) -> str:
    state = [code]
    for table, stamp in _STAGING:
        latest = f"max({stamp})::varchar" if stamp else "null"
        state.append(repr(con.execute(f"select count(*), {latest} from {table}").fetchone()))
    return hashlib.sha256("\n".join(state).encode()).hexdigest()


def last_built(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("select fingerprint from ingest.dbt_build_state order by built_at desc limit 1").fetchone()
    return row[0] if row else None


def record_build(con: duckdb.DuckDBPyConnection, print_: str) -> None:
    con.execute("delete from ingest.dbt_build_state")
    con.execute(
        "insert into ingest.dbt_build_state values (?, ?)",
        [print_, datetime.now(timezone.utc).replace(tzinfo=None)],
    )
