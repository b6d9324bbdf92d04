"""Publish a read-only copy of the warehouse for BI tools.

The copy holds what BI reads: the marts and the code lists they use (`seeds`), and
`meta.publication` (which build it is, and when it was published). Not the internal schemas
(ingest, parsed, staging, intermediate), whose host paths (raw_path, landing_path) and parser
bookkeeping are no reader's business. It is built beside the served file and renamed over it, so
a reader sees either the old or the new copy, never a half-built one; readers hold the served
file, never the working one, so they cannot block the pipeline's writer.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.warehouse import duck

PUBLISHED_SCHEMAS = ("marts", "seeds")
PUBLICATION = "meta.publication"


def publish_copy(warehouse: Path, served: Path, build_fingerprint: str | None = None) -> Path:
    """Copy every table and view of the published schemas (a view as a table of its rows: the
    schemas it reads stay behind) into a new file, with the fingerprint of the build it holds
    (build_state.BuildState.fingerprint; None: not known, a later run publishes again), and rename
    it over the served one. Runs while no other step writes (the duckdb pool)."""
    served.parent.mkdir(parents=True, exist_ok=True)
    building = served.with_name(f".{served.stem}.building{served.suffix}")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with duck.connect(warehouse) as con:
        # Rows may land in any order (a reader's query orders them): the copy writes in parallel.
        con.execute("set preserve_insertion_order = false")
        con.execute(f"attach {_literal(building)} as pub")
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() and list_contains(?, table_schema) order by all",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema in sorted({schema for schema, _ in relations}):
            con.execute(f"create schema pub.{schema}")
        for schema, name in relations:
            con.execute(f'create table pub.{schema}."{name}" as select * from {schema}."{name}"')
        con.execute(
            f"create schema pub.meta; create table pub.{PUBLICATION} "
            "(build_fingerprint varchar, published_at timestamp)"
        )
        con.execute(
            f"insert into pub.{PUBLICATION} values (?, ?)", [build_fingerprint, datetime.now(UTC).replace(tzinfo=None)]
        )
        con.execute("detach pub")
    os.replace(building, served)
    return served


def _literal(path: Path) -> str:
    """A path as a SQL string literal (ATTACH takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def published_build(served: Path) -> str | None:
    """The fingerprint of the build the served copy holds; None without a copy, or for a copy
    published before copies said so. Read through a fresh in-memory database: a connection opened
    on the served path in this process could be handed a database cached from before the last
    rename (an in-process reader's), and report the build before."""
    if not served.exists():
        return None
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach {_literal(served)} as served (read_only)")
        try:
            row = con.execute(f"select build_fingerprint from served.{PUBLICATION}").fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None
