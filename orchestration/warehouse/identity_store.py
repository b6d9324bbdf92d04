"""The identity tables (schema identity), resolved from parsed.reports by orchestration.identity.

Every report is resolved again whenever a report arrived or was re-parsed, or the mapping
changed: the resolution is a pure function of the reports and the mapping, and cheap (names
repeat, so each distinct name and region is resolved once). A report keeps its assigned_at
while its agency stays the same, so the dbt build state sees only real changes.
"""

from __future__ import annotations

import time
from dataclasses import astuple, dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from orchestration.identity import Mapping, ReportClues, resolve
from orchestration.identity.review import review
from orchestration.parsing import regions
from orchestration.warehouse import staging, tables
from orchestration.warehouse.tables import AGENCIES, AGENCY_REVIEW, DIVISIONS, IDENTITY_STATE, REPORT_AGENCIES


@dataclass(frozen=True)
class Outcome:
    resolved: bool  # False: nothing had changed since the last resolution
    reports: int = 0
    agencies: int = 0
    reassigned: int = 0  # reports resolved before whose agency changed
    review: dict[str, int] | None = None
    seconds: float = 0.0


def _state(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> tuple:
    count, latest = con.execute("select count(*), max(parsed_at) from parsed.reports").fetchone()
    return mapping.version, count, latest


def _arrow(table: tables.Table, rows: list[tuple]) -> pa.Table:
    return staging.arrow_rows(rows, staging.arrow_schema(table))


def resolve_into(con: duckdb.DuckDBPyConnection, mapping: Mapping | None = None) -> Outcome:
    mapping = mapping or Mapping.load()
    state = _state(con, mapping)
    last = con.execute(f"select mapping_version, reports, latest_parse from {IDENTITY_STATE.qualified}").fetchone()
    # The division list came later than the other tables: a warehouse without it is resolved once more.
    if last == state and con.execute(f"select count(*) from {DIVISIONS.qualified}").fetchone()[0]:
        return Outcome(resolved=False)
    started = time.perf_counter()
    rows = con.execute("select sha256, agency, region_code from parsed.reports order by sha256").fetchall()
    resolution = resolve((ReportClues(*row) for row in rows), mapping)
    items = review(resolution, {sha: region for sha, _, region in rows})
    now = datetime.now(UTC).replace(tzinfo=None)
    fresh = _arrow(
        REPORT_AGENCIES,
        [(*astuple(a), mapping.version, now) for a in resolution.assignments],
    )
    agencies = _arrow(AGENCIES, [astuple(a) for a in resolution.agencies])
    reviewed = _arrow(AGENCY_REVIEW, [(*astuple(i), mapping.version) for i in items])
    divisions = _arrow(DIVISIONS, regions.divisions())
    con.register("fresh_report_agencies", fresh)
    con.register("fresh_agencies", agencies)
    con.register("fresh_agency_review", reviewed)
    con.register("fresh_divisions", divisions)
    try:
        con.execute("begin")
        reassigned = con.execute(
            f"""select count(*) from {REPORT_AGENCIES.qualified} as old
            join fresh_report_agencies as new using (sha256) where old.agency_id <> new.agency_id"""
        ).fetchone()[0]
        columns = ", ".join(f"new.{c.name}" for c in REPORT_AGENCIES.columns if c.name != "assigned_at")
        con.execute(
            f"""create temp table kept_report_agencies as
            select {columns},
                case when old.agency_id = new.agency_id then old.assigned_at else new.assigned_at end as assigned_at
            from fresh_report_agencies as new
            left join {REPORT_AGENCIES.qualified} as old using (sha256)"""
        )
        con.execute(f"delete from {REPORT_AGENCIES.qualified}")
        con.execute(f"insert into {REPORT_AGENCIES.qualified} select * from kept_report_agencies")
        con.execute("drop table kept_report_agencies")
        replaced = (
            (AGENCIES, "fresh_agencies"),
            (AGENCY_REVIEW, "fresh_agency_review"),
            (DIVISIONS, "fresh_divisions"),
        )
        for table, view in replaced:
            con.execute(f"delete from {table.qualified}")
            con.execute(f"insert into {table.qualified} select * from {view}")
        con.execute(f"delete from {IDENTITY_STATE.qualified}")
        con.execute(f"insert into {IDENTITY_STATE.qualified} values (?, ?, ?, ?)", [*state, now])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for view in ("fresh_report_agencies", "fresh_agencies", "fresh_agency_review", "fresh_divisions"):
            con.unregister(view)
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    return Outcome(
        resolved=True,
        reports=len(resolution.assignments),
        agencies=len(resolution.agencies),
        reassigned=reassigned,
        review=kinds,
        seconds=time.perf_counter() - started,
    )
