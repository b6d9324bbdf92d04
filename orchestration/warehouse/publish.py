"""Publish a read-only copy of the warehouse for BI tools.

The copy is built beside the served file and renamed over it, so a reader sees either the old or
the new warehouse, never a half-built one; readers hold the served file, never the working one,
so they cannot block the pipeline's writer.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from orchestration.warehouse import duck


def publish_copy(warehouse: Path, served: Path) -> Path:
    """Copy the warehouse file as it stands after a checkpoint (every change is in the file, none
    in a write-ahead log): a file copy, where COPY FROM DATABASE rewrote every table (2.5 s
    against 0.05 s at 10,000 reports). Runs while no other step writes (the duckdb pool)."""
    served.parent.mkdir(parents=True, exist_ok=True)
    building = served.with_name(f".{served.stem}.building{served.suffix}")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with duck.connect(warehouse) as con:  # held through the copy: no other writer meanwhile
        con.execute("checkpoint")
        shutil.copyfile(warehouse, building)
    os.replace(building, served)
    return served
