"""Short-lived DuckDB connections to the warehouse file.

DuckDB allows one writer per file and a reader's open connection blocks it, so every caller
opens, works and closes (a `with` block) instead of holding a connection across steps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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
