"""Materialization metadata that tells a person in the UI what a step did."""

import dagster as dg
import duckdb


def preview(con: duckdb.DuckDBPyConnection, sql: str, limit: int = 10) -> dg.MetadataValue:
    frame = con.execute(f"select * from ({sql}) limit {limit}").df()
    return dg.MetadataValue.md(frame.to_markdown(index=False) if len(frame) else "_(no rows)_")


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, **extra) -> dict:
    return {
        "dagster/row_count": con.execute(f"select count(*) from {table}").fetchone()[0],
        "table": table,
        "preview": preview(con, f"select * from {table}"),
        **extra,
    }
