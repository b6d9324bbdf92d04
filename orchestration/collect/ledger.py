"""What the collector has fetched: listing pages' validators and bodies, and every landed document
with its provenance.

A SQLite file beside the landing folder, not the warehouse: the collector must run while a
pipeline run holds DuckDB's single writer lock, and SQLite commits each document durably (its
journal survives kill -9). A document is committed only after its file is in the landing folder,
so a kill in between refetches it next run into the same file name: the pipeline registers files
by sha256, so the same bytes are never processed twice, and nothing recorded is missing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
create table if not exists listing_pages (
    url text primary key, etag text, last_modified text, body blob not null,
    charset text, fetched_at text not null
);
create table if not exists documents (
    url text primary key, source text not null, kind text not null, listing_url text not null,
    listed_title text, listed_date text, http_status integer not null, etag text, last_modified text,
    fetched_at text not null, sha256 text not null, file_name text not null
);
create table if not exists failures (
    url text primary key, source text not null, reason text not null, detail text not null,
    failed_at text not null
);
"""


@dataclass(frozen=True)
class Document:
    """A landed file and where it came from."""

    url: str
    source: str
    kind: str  # page | attachment
    listing_url: str
    listed_title: str | None
    listed_date: str | None
    http_status: int
    etag: str | None
    last_modified: str | None
    fetched_at: str  # ISO 8601, UTC
    sha256: str
    file_name: str  # in the landing folder


@dataclass(frozen=True)
class ListingPage:
    etag: str | None
    last_modified: str | None
    body: bytes
    charset: str | None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Ledger:
    def __init__(self, path: Path | str):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(path)
        self._con.executescript(_SCHEMA)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def listing(self, url: str) -> ListingPage | None:
        row = self._con.execute(
            "select etag, last_modified, body, charset from listing_pages where url = ?", [url]
        ).fetchone()
        return ListingPage(*row) if row else None

    def save_listing(self, url: str, page: ListingPage) -> None:
        with self._con:
            self._con.execute(
                "insert or replace into listing_pages values (?, ?, ?, ?, ?, ?)",
                [url, page.etag, page.last_modified, page.body, page.charset, now()],
            )

    def known(self, url: str) -> bool:
        return self._con.execute("select 1 from documents where url = ?", [url]).fetchone() is not None

    def record(self, doc: Document) -> None:
        with self._con:
            marks = ", ".join("?" * len(fields(Document)))
            self._con.execute(f"insert or replace into documents values ({marks})", astuple(doc))
            self._con.execute("delete from failures where url = ?", [doc.url])

    def record_failure(self, url: str, source: str, reason: str, detail: str) -> None:
        with self._con:
            self._con.execute(
                "insert or replace into failures values (?, ?, ?, ?, ?)", [url, source, reason, detail, now()]
            )

    def documents(self) -> list[Document]:
        names = ", ".join(f.name for f in fields(Document))
        return [Document(*row) for row in self._con.execute(f"select {names} from documents order by fetched_at, url")]


def ledger_path(landing_dir: Path | str) -> Path:
    """Beside the landing folder, not in it: the pipeline registers everything in the folder."""
    landing = Path(landing_dir).resolve()
    return landing.with_name(landing.name + ".collect") / "ledger.sqlite"
