"""Whether the dbt models are already built from what the staging tables hold now, and whether
the incremental models can be built on top of what is there.

A nightly run with nothing new would otherwise rebuild every model and re-run every check. The
fingerprint covers everything a build reads: each staging table's row count and latest write
time, and the checksums dbt keeps of every model, seed, test and macro. A change of dbt code
rebuilds from scratch (`dbt build --full-refresh`): incremental models only add what is new.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.identity import Mapping
from orchestration.warehouse import tables


def code_checksum(manifest_path: Path) -> str:
    """Of the dbt code, the project's settings and the identity mapping: a new mapping may give old
    reports other agencies, which the incremental models, built per report, would not see."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    parts = sorted(
        f"{uid}:{node.get('checksum', {}).get('checksum', '')}"
        for section in ("nodes", "macros", "sources")
        for uid, node in manifest.get(section, {}).items()
    )
    # The project's vars (e.g. sample_sufficient_min_handled) are in no node's checksum.
    project_file = manifest_path.parent.parent / "dbt_project.yml"
    if project_file.exists():
        parts.append(f"dbt_project.yml:{hashlib.sha256(project_file.read_bytes()).hexdigest()}")
    parts.append(f"identity mapping:{Mapping.load().version}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class BuildState:
    fingerprint: str  # the dbt code and the staging tables
    code: str  # the dbt code alone
    built_at: datetime | None = field(default=None, compare=False)  # UTC; for a recorded build


def current(con: duckdb.DuckDBPyConnection, code: str) -> BuildState:
    state = [code]
    # Of every table dbt reads: row counts catch deletes and hand edits, write times catch re-parses.
    for table in tables.SOURCES:
        latest = f"max({table.written_at})::varchar" if table.written_at else "null"
        state.append(repr(con.execute(f"select count(*), {latest} from {table.qualified}").fetchone()))
    return BuildState(hashlib.sha256("\n".join(state).encode()).hexdigest(), code)


def last_built(con: duckdb.DuckDBPyConnection) -> BuildState | None:
    row = con.execute(
        "select fingerprint, code_checksum, built_at from ingest.dbt_build_state order by built_at desc limit 1"
    ).fetchone()
    return BuildState(*row) if row else None


def needs_full_refresh(last: BuildState | None, now: BuildState) -> bool:
    """The incremental models hold rows made by other dbt code (or were never recorded as built)."""
    return last is None or last.code != now.code


def dbt_build_args(last: BuildState | None, now: BuildState, *, full_rebuild: bool = False) -> list[str]:
    """The `dbt build` arguments of a run, from the last recorded build and the state now
    (dagster-dbt appends the selection of a subset run itself).

    From scratch (`--full-refresh`) when asked, or when the incremental models hold rows made by
    other dbt code or were never recorded as built. Otherwise incremental, and the costliest tests
    (uniqueness over ~15 million cells at 100,000 reports) check only the rows of reports parsed
    since the last build (the dbt var `rows_parsed_since`); the others check whole tables."""
    if full_rebuild or needs_full_refresh(last, now):
        return ["build", "--full-refresh"]
    if last.built_at is None:  # a state never recorded: no time to start from, so every row is checked
        return ["build"]
    return ["build", "--vars", json.dumps({"rows_parsed_since": str(last.built_at)})]


def record_build(con: duckdb.DuckDBPyConnection, state: BuildState) -> None:
    con.execute("delete from ingest.dbt_build_state")
    con.execute(
        "insert into ingest.dbt_build_state values (?, ?, ?)",
        [state.fingerprint, datetime.now(UTC).replace(tzinfo=None), state.code],
    )
