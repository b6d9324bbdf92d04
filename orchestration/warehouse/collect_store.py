"""Copy the collector's ledger (orchestration/collect/ledger.py) into ingest.documents, so the
warehouse knows where each collected file came from."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.collect.ledger import Document, Ledger
from orchestration.warehouse.tables import DOCUMENTS


def _row(doc: Document) -> tuple:
    values = asdict(doc) | {
        "listed_date": date.fromisoformat(doc.listed_date) if doc.listed_date else None,
        # Stored with its UTC offset; the warehouse's timestamps are naive UTC.
        "fetched_at": datetime.fromisoformat(doc.fetched_at).replace(tzinfo=None),
    }
    return tuple(values[c.name] for c in DOCUMENTS.columns)


def sync_documents(con: duckdb.DuckDBPyConnection, ledger_file: Path) -> int:
    """Upsert every ledger row by URL (rows stay if the ledger is removed); returns the ledger's
    row count. No ledger, no rows: files landed by hand have no provenance."""
    if not ledger_file.exists():
        return 0
    with Ledger(ledger_file) as ledger:
        rows = [_row(doc) for doc in ledger.documents()]
    if rows:
        names = ", ".join(c.name for c in DOCUMENTS.columns)
        marks = ", ".join("?" * len(DOCUMENTS.columns))
        con.executemany(f"insert or replace into {DOCUMENTS.qualified} ({names}) values ({marks})", rows)
    return len(rows)
