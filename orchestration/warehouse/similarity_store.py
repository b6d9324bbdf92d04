"""The similarity tables (schema similarity), from parsed.report_sections and the agencies of
identity.report_agencies, by orchestration.similarity.

Only reports parsed since their sketch was made (or never sketched) are hashed; the banding and
the matches are computed again over every stored sketch, which takes seconds, whenever a sketch
or an agency changed. A run with nothing changed writes nothing, so the dbt build state sees no
change either.
"""

from __future__ import annotations

import csv
import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from orchestration.similarity import detect, sketch
from orchestration.warehouse import staging
from orchestration.warehouse.tables import REPORT_MATCHES, REPORT_SIGNATURES, SIMILARITY_STATE

THRESHOLDS_CSV = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "near_duplicate_thresholds.csv"
# The columns of a match row that make it a different finding.
_COMPARED = tuple(c.name for c in REPORT_MATCHES.columns if c.name not in ("sha256", "relation", "matched_at"))
_HASH_BATCH = 2000  # sections hashed together: arrays of a few million shingles
_SECTIONS = ", ".join(map(str, sketch.PROSE_SECTIONS))
# The reports compared: annual reports with a year, not templates (their text is everyone's).
_ELIGIBLE = f"""
    select r.sha256, r.parsed_at from parsed.reports r
    where r.doc_type = 'annual_report' and not r.is_template and r.report_year is not null
      and exists (select 1 from parsed.report_sections s
                  where s.sha256 = r.sha256 and s.section_number in ({_SECTIONS}))
"""


@dataclass(frozen=True)
class Outcome:
    matched: bool  # False: nothing had changed since the last run
    hashed: int = 0  # reports sketched this run
    reports: int = 0  # reports compared
    pairs: int = 0
    matches: int = 0  # rows the table holds at or above their relation's threshold (the dbt seed's)
    truncated_buckets: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def thresholds(path: Path = THRESHOLDS_CSV) -> dict[str, float]:
    with open(path, encoding="utf-8", newline="") as f:
        return {row["relation"]: float(row["threshold"]) for row in csv.DictReader(f)}


def matches_above(con: duckdb.DuckDBPyConnection) -> int:
    """The match rows the table holds at or above their relation's threshold."""
    cuts = thresholds()
    rows = con.execute(f"select relation, similarity from {REPORT_MATCHES.qualified} where similarity is not null")
    return sum(1 for relation, value in rows.fetchall() if value >= cuts.get(relation, float("inf")))


def _hash_new(con: duckdb.DuckDBPyConnection) -> int:
    """Sketch the eligible reports with no sketch of this method newer than their parse; drop
    the sketches of reports no longer eligible. Returns the reports sketched."""
    con.execute(f"create or replace temp table eligible as {_ELIGIBLE}")
    con.execute(
        f"""create or replace temp table to_hash as
        select e.sha256 from eligible e
        where not exists (select 1 from {REPORT_SIGNATURES.qualified} g
                          where g.sha256 = e.sha256 and g.method = ? and g.hashed_at >= e.parsed_at)""",
        [detect.METHOD],
    )
    # Streamed: at 100,000 reports the section texts are gigabytes as Python strings, their
    # sketches 256 bytes each.
    texts = con.sql(
        f"""select s.sha256, s.section_number, s.text from parsed.report_sections s
        join to_hash using (sha256) where s.section_number in ({_SECTIONS})
        order by s.sha256, s.section_number"""
    ).to_arrow_reader(_HASH_BATCH)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for batch in texts:
        sketches, counts = sketch.sketches(batch.column("text").to_pylist())
        keys = zip(batch.column("sha256").to_pylist(), batch.column("section_number").to_pylist())
        rows += [
            (sha, number, count, made.tobytes(), detect.METHOD, now)
            for (sha, number), made, count in zip(keys, sketches, counts.tolist())
        ]
    fresh = staging.arrow_rows(rows, staging.arrow_schema(REPORT_SIGNATURES))
    con.register("fresh_signatures", fresh)
    try:
        con.execute("begin")
        con.execute(
            f"""delete from {REPORT_SIGNATURES.qualified}
            where sha256 in (select sha256 from to_hash) or sha256 not in (select sha256 from eligible)"""
        )
        con.execute(f"insert into {REPORT_SIGNATURES.qualified} select * from fresh_signatures")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("fresh_signatures")
    return con.execute("select count(*) from to_hash").fetchone()[0]


def _state(con: duckdb.DuckDBPyConnection) -> str:
    parts = [detect.METHOD]
    for sql in (
        f"select count(*), max(hashed_at) from {REPORT_SIGNATURES.qualified}",
        "select count(*), max(assigned_at) from identity.report_agencies",
        "select count(*), max(parsed_at) from parsed.reports",
    ):
        parts.append(repr(con.execute(sql).fetchone()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def load_reports(con: duckdb.DuckDBPyConnection) -> detect.Reports:
    rows = con.execute(
        f"""select g.sha256, r.report_year, a.agency_id, g.section_number, g.sketch
        from {REPORT_SIGNATURES.qualified} g
        join parsed.reports r using (sha256)
        left join identity.report_agencies a using (sha256)
        where g.method = ?
        order by g.sha256, g.section_number""",
        [detect.METHOD],
    ).fetchall()
    ids: list[str] = []
    years: list[int] = []
    agencies: list[str | None] = []
    for sha, year, agency, _, _ in rows:
        if not ids or ids[-1] != sha:
            ids.append(sha)
            years.append(year)
            agencies.append(agency)
    index = {sha: k for k, sha in enumerate(ids)}
    sections = np.full((len(ids), len(sketch.PROSE_SECTIONS), sketch.BINS), sketch.EMPTY, np.uint32)
    if rows:
        where = np.array([index[row[0]] for row in rows])
        which = np.array([sketch.PROSE_SECTIONS.index(row[3]) for row in rows])
        sections[where, which] = np.frombuffer(b"".join(row[4] for row in rows), np.uint32).reshape(len(rows), -1)
    # An agency unknown is the report's own: never the same as another report's.
    codes: dict[str, int] = {}
    agency_codes = [codes.setdefault(a, len(codes)) if a is not None else -1 - k for k, a in enumerate(agencies)]
    return detect.Reports(ids, np.array(years, np.int64), np.array(agency_codes, np.int64), sections)


def _rows(reports: detect.Reports, result: detect.Result, now: datetime) -> list[tuple]:
    rows = []
    for m in result.matches:
        other = reports.ids[m.other] if m.other is not None else None
        per_section = [m.per_section.get(n) for n in sketch.PROSE_SECTIONS]
        rows.append(
            (
                reports.ids[m.report],
                m.relation,
                other,
                m.similarity,
                m.sections_alike,
                *per_section,
                m.bins if other is not None else None,
                m.truncated,
                detect.METHOD,
                now,
            )
        )
    return rows


def match_into(con: duckdb.DuckDBPyConnection) -> Outcome:
    started = time.perf_counter()
    hashed = _hash_new(con)
    hashed_at = time.perf_counter()
    state = _state(con)
    last = con.execute(f"select state from {SIMILARITY_STATE.qualified}").fetchone()
    if last and last[0] == state:
        return Outcome(matched=False, hashed=hashed, matches=matches_above(con), seconds={"hash": hashed_at - started})
    reports = load_reports(con)
    loaded_at = time.perf_counter()
    result = detect.detect(reports)
    detected_at = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    fresh = staging.arrow_rows(_rows(reports, result, now), staging.arrow_schema(REPORT_MATCHES))
    con.register("fresh_matches", fresh)
    try:
        con.execute("begin")
        # A row that did not change keeps its matched_at, so what is downstream sees only the
        # reports whose findings changed.
        same = " and ".join(["old.sha256 is not null", *(f"old.{c} is not distinct from new.{c}" for c in _COMPARED)])
        columns = ", ".join(f"new.{c.name}" for c in REPORT_MATCHES.columns if c.name != "matched_at")
        con.execute(
            f"""create temp table kept_matches as
            select {columns}, case when {same} then old.matched_at else new.matched_at end as matched_at
            from fresh_matches as new
            left join {REPORT_MATCHES.qualified} as old using (sha256, relation)"""
        )
        con.execute(f"delete from {REPORT_MATCHES.qualified}")
        con.execute(f"insert into {REPORT_MATCHES.qualified} select * from kept_matches")
        con.execute("drop table kept_matches")
        con.execute(f"delete from {SIMILARITY_STATE.qualified}")
        con.execute(f"insert into {SIMILARITY_STATE.qualified} values (?, ?)", [state, now])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("fresh_matches")
    above = matches_above(con)
    done = time.perf_counter()
    return Outcome(
        matched=True,
        hashed=hashed,
        reports=len(reports.ids),
        pairs=result.pairs,
        matches=above,
        truncated_buckets=result.truncated_buckets,
        seconds={
            "hash": hashed_at - started,
            "load": loaded_at - hashed_at,
            **result.seconds,
            "write": done - detected_at,
            "total": done - started,
        },
    )
