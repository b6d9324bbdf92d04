"""Fixture warehouse for the dbt project: the staging contract plus rows with known numbers.

`build_warehouse(path)` creates a DuckDB file with the staging tables of
orchestration/warehouse/tables.py and inserts the reports below; it closes its connection before
returning (one writer per file).

Agencies and reports (report ids are short fake sha256s):
- A 同江市繁荣街道 (黑龙江省 佳木斯市 同江市): annual reports 2021, 2022 (2021 layout, consistent,
  continuity 2021 -> 2022 holds; the 2022 report prints the name as 同江市繁荣街道办事处, and is
  the same agency), 2023 published twice: a2023v1 (2024-01-20, broken balance) is
  superseded by a2023v2 (2024-02-01), whose carried_over breaks continuity with 2022 in the
  natural_person and total columns. Also a 2023 work summary with narrative numbers.
- B 宣州区经济和信息化局 (安徽省 宣城市 宣州区): 2020 in the 2019 layout (single other_handling row,
  2019 Table 2 codes with a legitimately negative 本年增/减), 2021 in the 2021 layout with nothing
  handled (handled = 0, so rates are null) and blank research_institution and review cells.
- C 新陶街道 (辽宁省 鞍山市 铁西区): free-form 2018 annual report with narrative numbers.
- D 佳木斯市人民政府 (黑龙江省 佳木斯市): 2022 report that breaks the total column, the outcome sum,
  a Table 4 total, non-negative counts and plausible years (published 2025).
- a template self-inspection report with no agency and no year.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import duckdb

from orchestration.parsing.checks import evaluate_checks, rows_read, table3_outcome_layout
from orchestration.parsing.codes import TABLE3_APPLICANT_COLUMNS
from orchestration.parsing.model import TableCell
from orchestration.warehouse import identity_store, tables

REPO = Path(__file__).resolve().parents[2]
PROJECT_DIR = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")

APPLICANT_COLUMNS = TABLE3_APPLICANT_COLUMNS
OUTCOME_ROWS_COMMON = [
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_information",
    "denied_enforcement_files",
    "denied_administrative_inquiry",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear_after_correction",
    "not_handled_petition_complaint",
    "not_handled_repeated",
    "not_handled_publication",
    "not_handled_mass_repeated",
    "not_handled_confirmation",
]
OTHER_ROWS = {"2021": ["other_no_correction", "other_fee_unpaid", "other_other"], "2019": ["other_handling"]}

SHA = {
    "a2021": "a2021" + "0" * 59,
    "a2022": "a2022" + "0" * 59,
    "a2023v1": "a2023a" + "0" * 58,
    "a2023v2": "a2023b" + "0" * 58,
    "a2023summary": "a2023c" + "0" * 58,
    "b2020": "b2020" + "0" * 59,
    "b2021": "b2021" + "0" * 59,
    "c2018": "c2018" + "0" * 59,
    "d2022": "d2022" + "0" * 59,
    "template": "e0000" + "0" * 59,
    "quarantined": "f0000" + "0" * 59,
}
AGENCY = {
    "A": "同江市繁荣街道",
    # The same street's office, as its 2022 report prints its name: one agency with A.
    "A2": "同江市繁荣街道办事处",
    "B": "宣州区经济和信息化局",
    "C": "新陶街道",
    "D": "佳木斯市人民政府",
}


def table3(layout: str, columns: dict[str, dict[str, int]], overrides: dict | None = None) -> list[tuple]:
    """Table 3 cells of one report as (row_code, column_code, value, raw).

    `columns` gives, per applicant column, new_received, carried_over and the non-zero outcome
    rows; every other outcome row is 0, total_handled is the outcome sum, carried_forward balances,
    and the total column is the sum of the applicant columns: a consistent table. `overrides`
    maps (row_code, column_code) to a value (None = printed blank) to break it afterwards.
    """
    rows = [
        "new_received",
        "carried_over",
        *OUTCOME_ROWS_COMMON,
        *OTHER_ROWS[layout],
        "total_handled",
        "carried_forward",
    ]
    grid: dict[tuple[str, str], int | None] = {}
    for column in APPLICANT_COLUMNS:
        given = columns.get(column, {})
        outcomes = [r for r in rows if r not in ("new_received", "carried_over", "total_handled", "carried_forward")]
        for row in ["new_received", "carried_over", *outcomes]:
            grid[(row, column)] = given.get(row, 0)
        handled = sum(grid[(r, column)] for r in outcomes)
        grid[("total_handled", column)] = handled
        grid[("carried_forward", column)] = grid[("new_received", column)] + grid[("carried_over", column)] - handled
    for row in rows:
        grid[(row, "total")] = sum(grid[(row, c)] for c in APPLICANT_COLUMNS)
    grid.update(overrides or {})
    return [(row, column, value, "/" if value is None else str(value)) for (row, column), value in grid.items()]


def table4(values: dict[str, tuple]) -> list[tuple]:
    """Table 4 cells from {group: (upheld, corrected, other, pending, total)}; None = blank."""
    cells = []
    for group, numbers in values.items():
        for column, value in zip(["upheld", "corrected", "other", "pending", "total"], numbers):
            cells.append((group, column, value, "" if value is None else str(value)))
    return cells


ZERO_TABLE4 = {
    "review": (0, 0, 0, 0, 0),
    "litigation_direct": (0, 0, 0, 0, 0),
    "litigation_after_review": (0, 0, 0, 0, 0),
}

A_REGION = ("黑龙江省", "佳木斯市", "同江市", "230881")
B_REGION = ("安徽省", "宣城市", "宣州区", "341802")
C_REGION = ("辽宁省", "鞍山市", "铁西区", "210303")
D_REGION = ("黑龙江省", "佳木斯市", None, "230800")

# key: (agency, doc_type, layout, is_template, region, report_year, publish_date, arrived_at)
REPORTS = {
    "a2021": ("A", "annual_report", "2021", False, A_REGION, 2021, "2022-01-25", "2024-03-01 08:00:00"),
    "a2022": ("A2", "annual_report", "2021", False, A_REGION, 2022, "2023-01-30", "2024-03-01 08:00:01"),
    "a2023v1": ("A", "annual_report", "2021", False, A_REGION, 2023, "2024-01-20", "2024-03-01 08:00:02"),
    "a2023v2": ("A", "annual_report", "2021", False, A_REGION, 2023, "2024-02-01", "2024-02-15 08:00:00"),
    "a2023summary": ("A", "work_summary", None, False, A_REGION, 2023, "2024-01-10", "2024-03-01 08:00:03"),
    "b2020": ("B", "annual_report", "2019", False, B_REGION, 2020, "2021-01-28", "2024-03-02 08:00:00"),
    "b2021": ("B", "annual_report", "2021", False, B_REGION, 2021, "2022-01-20", "2024-03-02 08:00:01"),
    "c2018": ("C", "annual_report", "freeform", False, C_REGION, 2018, "2019-03-14", "2024-03-03 08:00:00"),
    "d2022": ("D", "annual_report", "2021", False, D_REGION, 2022, "2025-01-01", "2024-03-04 08:00:00"),
    "template": (None, "self_inspection", None, True, (None, None, None, None), None, None, "2024-03-05 08:00:00"),
}

TABLE3 = {
    "a2021": table3(
        "2021",
        {
            "natural_person": {
                "new_received": 10,
                "granted": 5,
                "partially_granted": 2,
                "unavailable_not_held": 1,
                "not_handled_repeated": 1,
            },
            "commercial_enterprise": {"new_received": 2, "granted": 1, "denied_third_party_rights": 1},
        },
    ),
    "a2022": table3(
        "2021",
        {
            "natural_person": {
                "new_received": 20,
                "carried_over": 1,
                "granted": 10,
                "partially_granted": 5,
                "denied_process_information": 2,
                "other_no_correction": 1,
            },
        },
    ),
    "a2023v1": table3(
        "2021",
        {
            "natural_person": {"new_received": 5, "carried_over": 2, "granted": 3, "unavailable_needs_creation": 1},
        },
        {("new_received", "natural_person"): 6, ("new_received", "total"): 6},
    ),
    "a2023v2": table3(
        "2021",
        {
            "natural_person": {"new_received": 5, "carried_over": 2, "granted": 3, "unavailable_needs_creation": 1},
        },
    ),
    "b2020": table3(
        "2019",
        {
            "natural_person": {"new_received": 4, "granted": 2, "other_handling": 1},
        },
    ),
    "b2021": table3(
        "2021",
        {
            "natural_person": {"carried_over": 1},
        },
        {
            (row, "research_institution"): None
            for row in [
                "new_received",
                "carried_over",
                *OUTCOME_ROWS_COMMON,
                *OTHER_ROWS["2021"],
                "total_handled",
                "carried_forward",
            ]
        },
    ),
    "d2022": table3(
        "2021",
        {
            "natural_person": {"new_received": 10, "granted": 5, "partially_granted": 3},
        },
        {
            ("new_received", "total"): 11,
            ("total_handled", "natural_person"): 10,
            ("carried_forward", "natural_person"): 0,
            ("total_handled", "total"): 10,
            ("carried_forward", "total"): 0,
            ("denied_state_secret", "other_org"): -1,
            ("denied_state_secret", "total"): -1,
        },
    ),
}

TABLE4 = {
    "a2021": ZERO_TABLE4,
    "a2022": {
        "review": (2, 1, 1, 0, 4),
        "litigation_direct": (1, 0, 0, 1, 2),
        "litigation_after_review": (0, 0, 0, 0, 0),
    },
    "a2023v1": ZERO_TABLE4,
    "a2023v2": ZERO_TABLE4,
    "b2020": ZERO_TABLE4,
    "b2021": {
        "review": (None, None, None, None, None),
        "litigation_direct": (0, 0, 0, 0, 0),
        "litigation_after_review": (0, 0, 0, 0, 0),
    },
    "d2022": {
        "review": (1, 1, 0, 0, 3),
        "litigation_direct": (0, 0, 0, 0, 0),
        "litigation_after_review": (0, 0, 0, 0, 0),
    },
}

# (row_code, column_code, value)
TABLE2 = {
    "a2022": [
        ("regulations", "in_force", 0.0),
        ("normative_documents", "in_force", 12.0),
        ("normative_documents", "issued", 3.0),
        ("administrative_fees", "amount_10k_yuan", 1.5),
        ("administrative_penalty", "decisions", 2000000.0),  # a street: beyond its level's limit
    ],
    "b2020": [
        ("regulations", "newly_made", 1.0),
        ("regulations", "published_total", 5.0),
        ("administrative_fees", "previous_year_items", 3.0),
        ("administrative_fees", "change", -1.0),
        ("administrative_penalty", "decisions", 5.0),
    ],
    "b2021": [
        ("regulations", "in_force", None),
        ("normative_documents", "in_force", 4.0),
        ("administrative_penalty", "decisions", 9000.0),  # 1,800 times 2020's: a jump
    ],
    "d2022": [("normative_documents", "issued", -2.0), ("normative_documents", "in_force", 30.0)],
}

NARRATIVE = [
    ("a2023summary", "items_published", 1156.0, "条", "全年发布各类信息1156条。"),
    ("a2023summary", "page_views", 418872.0, "次", "浏览量达418872次。"),
    ("c2018", "applications_received", 3.0, "件", "全年共收到政府信息公开申请3件。"),
    ("c2018", "complaints_received", 45.0, "件", "收到投诉建议共45件。"),
    ("c2018", "complaints_received", 12.0, "件", "其中网上投诉12件。"),
    # a2022's prose against its tables: new 20 + carried over 1, handled 18, carried forward 3,
    # 4 reviews, lawsuits 2 + 0 (the prose says 3)
    ("a2022", "applications_received", 21.0, "件", "全年共收到政府信息公开申请21件。"),
    ("a2022", "applications_answered", 18.0, "件", "办结申请18件。"),
    ("a2022", "applications_carried_forward", 3.0, "件", "结转下年度继续办理3件。"),
    ("a2022", "admin_reviews", 4.0, "件", "发生行政复议4件。"),
    ("a2022", "lawsuits", 3.0, "件", "行政诉讼3件。"),
    # d2022 prints 11 new applications (none carried over)
    ("d2022", "applications_received", 12.0, "件", "受理政府信息公开申请12件。"),
]


def query(warehouse: Path, sql: str) -> list[dict]:
    """Rows of a query on a built warehouse, as dicts (read-only: the file stays free)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def build_warehouse(path: str | Path, reports: Iterable[str] = REPORTS) -> Path:
    """Create (or replace) the DuckDB file at `path` with the staging schema and the fixture rows
    of `reports` (all of them by default) and the quarantined scan."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(tables.schema_sql())
        load_reports(con, reports)
        quarantined = SHA["quarantined"]
        con.execute(
            "insert into ingest.report_files"
            " values (?, 'scan.pdf', 'data/landing/scan.pdf', ?, 5000, 'pdf', '2024-03-06 08:00:00')",
            [quarantined, f"data/raw/{quarantined}.pdf"],
        )
        con.execute(
            "insert into ingest.quarantined_files values (?, 'scan.pdf', ?, 'parse',"
            " 'The PDF is a scan without a text layer.', '0.1.0', '2024-03-06 08:00:05')",
            [quarantined, f"data/raw/{quarantined}.pdf"],
        )
    finally:
        con.close()
    return path


def read_cells(key: str) -> list[TableCell]:
    """The fixture report's cells as the parser hands them on, table by table."""
    return (
        [
            TableCell(2, row, column, value, "—" if value is None else str(value))
            for row, column, value in TABLE2.get(key, [])
        ]
        + [TableCell(3, *cell) for cell in TABLE3.get(key, [])]
        + [TableCell(4, *cell) for cell in table4(TABLE4.get(key, {}))]
    )


def load_reports(con: duckdb.DuckDBPyConnection, keys: Iterable[str], parsed_at: str | None = None) -> None:
    """Register and load the fixture reports `keys`, as the parse step does: parsed at the time
    the file arrived unless `parsed_at` is given; the outcome layout and the checks are the
    parser's own (orchestration/parsing/checks.py) on the fixture's cells."""
    keys = list(keys)
    for key in keys:
        agency, doc_type, layout, is_template, region, year, published, arrived = REPORTS[key]
        sha = SHA[key]
        file_name = f"{key}.html"
        con.execute(
            "insert into ingest.report_files values (?, ?, ?, ?, ?, ?, ?)",
            [sha, file_name, f"data/landing/{file_name}", f"data/raw/{sha}.html", 1000, "html", arrived],
        )
        province, city, county, code = region
        cells = read_cells(key)
        con.execute(
            """insert into parsed.reports (sha256, file_name, parser_version, parsed_at, format, encoding, script,
                   doc_type, layout, table3_outcome_layout, is_template, title, agency, province, city, county,
                   region_code, report_year, publish_date, repairs, flags)
               values (?, ?, '0.1.0', ?, 'html', 'utf-8', 'simplified', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, [], [])""",
            [
                sha,
                file_name,
                parsed_at or arrived,
                doc_type,
                layout,
                table3_outcome_layout(rows_read(cells).get(3, set()), layout),
                is_template,
                f"{key} title",
                AGENCY.get(agency),
                province,
                city,
                county,
                code,
                year,
                published,
            ],
        )
        for table in (2, 3, 4):
            rows = [(sha, c.row, c.column, c.value, c.raw) for c in cells if c.table == table]
            if rows:
                con.executemany(f"insert into parsed.table{table}_cells values (?, ?, ?, ?, ?)", rows)
        # The parse step checks every report but a template (parse.py), on the tables it has.
        checks = evaluate_checks(cells, layout) if cells and not is_template else []
        if checks:
            con.executemany(
                "insert into parsed.report_checks (sha256, rule, scope, status, detail, lhs, rhs)"
                " values (?, ?, ?, ?, ?, ?, ?)",
                [(sha, c.rule, c.scope, c.status, c.detail, c.lhs, c.rhs) for c in checks],
            )
    rows = [(SHA[key], name, value, unit, evidence) for key, name, value, unit, evidence in NARRATIVE if key in keys]
    if rows:
        con.executemany("insert into parsed.narrative_metrics values (?, ?, ?, ?, ?)", rows)
    # The identity step follows every parse (orchestration/defs/identity_assets.py).
    identity_store.resolve_into(con)


def dbt_build(warehouse: Path, folder: Path, *args: str) -> Path:
    """`dbt build` of the project on `warehouse`, with its target and logs in `folder`; fails
    the test with dbt's output when the build fails. Returns the target folder."""
    target = folder / "target"
    dbt = str(DBT) if DBT.exists() else shutil.which("dbt")
    result = subprocess.run(
        [dbt, "build", "--profiles-dir", ".", "--target-path", str(target), "--log-path", str(folder / "logs"), *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "GOVREPORTS_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    return target


if __name__ == "__main__":
    print(build_warehouse(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dbt_dev/warehouse.duckdb"))
