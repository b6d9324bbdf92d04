"""Materialization metadata that tells a person in the UI what a step did."""

import dagster as dg
import duckdb


def preview(con: duckdb.DuckDBPyConnection, sql: str, limit: int = 10) -> dg.MetadataValue:
    frame = con.execute(f"select * from ({sql}) limit {limit}").df()
    if not len(frame):
        return dg.MetadataValue.md("_(no rows)_")
    # A null shows as an empty cell, not as pandas' nan or <NA>: a blank in a report is no number.
    shown = frame.astype(object).where(frame.notna(), None)
    return dg.MetadataValue.md(shown.to_markdown(index=False, missingval=""))


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, **extra) -> dict:
    return {
        "dagster/row_count": con.execute(f"select count(*) from {table}").fetchone()[0],
        "table": table,
        "preview": preview(con, f"select * from {table}"),
        **extra,
    }
