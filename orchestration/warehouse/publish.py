"""Publish a read-only copy of the warehouse for BI tools.

The copy is built beside the served file and renamed over it, so a reader sees either the old or
the new warehouse, never a half-built one; readers hold the served file, never the working one,
so they cannot block the pipeline's writer.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb


def publish_copy(warehouse: Path, served: Path) -> Path:
    served.parent.mkdir(parents=True, exist_ok=True)
    building = served.with_name(f".{served.stem}.building{served.suffix}")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse}' as source (read_only)")
        con.execute(f"attach '{building}' as target")
        con.execute("copy from database source to target")
        con.execute("detach target")
        con.execute("detach source")
    finally:
        con.close()
    os.replace(building, served)
    return served
