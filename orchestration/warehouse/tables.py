"""The tables the Python steps write, declared once: the DDL (`schema_sql`), the loader's Arrow
schemas (staging.py), the dbt build state, the Dagster asset specs and dbt's
models/staging/_sources.yml (written by `govreports generate`) all follow this list.

One DuckDB file; schema `ingest` for what arrived, `parsed` for what the parser read. The sha256
of a raw file's bytes identifies the file and its report.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.parsing import codes


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type
    description: str = ""
    not_null: bool = False
    primary_key: bool = False
    # Added after warehouses with the table existed: `add column if not exists` brings them up to date.
    added_later: bool = False


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    description: str
    columns: tuple[Column, ...]
    # The Dagster asset that writes the table; dbt's source of the table points at it. None: not
    # a dbt source (the pipeline's own bookkeeping).
    asset_key: str | None = None
    # Loaded from parse results by the parse step, a file's rows replaced in one transaction.
    from_parser: bool = False
    # When a row was written: the build state watches it to see a re-parse.
    written_at: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


SCHEMAS = {
    "ingest": "What arrived. Written by the Python ingest assets.",
    "parsed": "What the parser read from each file. Written by the Python parse assets.",
    "identity": "Which organ published each report: agencies resolved from every clue a report carries "
    "(orchestration/identity). Written by the Python identity asset.",
    "similarity": "Which reports' prose is a near copy of another's: MinHash sketches of their sections and "
    "the closest reports found (orchestration/similarity). Written by the Python similarity asset.",
}


def _codes(records) -> str:
    return " | ".join(r.code for r in records) + "."


def _cells(n: int, what: str, key: str, value_type: str, key_codes: str = "", column_codes: str = "") -> Table:
    """Table n in long form: a row per cell the parser read."""
    return Table(
        "parsed",
        f"table{n}_cells",
        f"Table {n} ({what}) cells, long form; value null = present but not filled.",
        (
            Column("sha256", "varchar", not_null=True),
            Column(key, "varchar", key_codes, not_null=True),
            Column("column_code", "varchar", column_codes, not_null=True),
            Column("value", value_type),
            Column("raw", "varchar", "The cell's text as read."),
        ),
        asset_key=f"parsed_table{n}_cells",
        from_parser=True,
    )


REPORT_FILES = Table(
    "ingest",
    "report_files",
    "One row per distinct file ever landed, keyed by the sha256 of its bytes.",
    (
        Column("sha256", "varchar", primary_key=True),
        Column(
            "file_name",
            "varchar",
            "Base name as it landed (first arrival); a byte that is not UTF-8 shows as \\xNN, an invisible "
            "character as \\uNNNN, a backslash doubled (lossless: names.name_bytes gives the bytes back).",
            not_null=True,
        ),
        Column("landing_path", "varchar", "Where it was found, shown as file_name is.", not_null=True),
        Column("raw_path", "varchar", "Its immutable copy in the raw store.", not_null=True),
        Column("size_bytes", "bigint", not_null=True),
        Column("extension", "varchar", "Lower-case, without dot: txt, html, pdf, docx, md ..."),
        Column("arrived_at", "timestamp", "UTC, when first registered.", not_null=True),
    ),
    asset_key="raw_report_files",
    written_at="arrived_at",
)

DOCUMENTS = Table(
    "ingest",
    "documents",
    "Where each collected file came from (`govreports collect`): one row per URL landed, copied from the "
    "collector's ledger when the files are registered. Join to report_files on sha256.",
    (
        Column("url", "varchar", "The page or attachment as listed (before any redirect).", primary_key=True),
        Column("source", "varchar", "The source's name in the sources file.", not_null=True),
        Column("kind", "varchar", "page | attachment.", not_null=True),
        Column("listing_url", "varchar", "The listing page that linked the report.", not_null=True),
        Column("listed_title", "varchar", "The title the listing gave the report (an attachment: its page's)."),
        Column("listed_date", "date", "The date the listing showed beside it."),
        Column("http_status", "integer", not_null=True),
        Column("etag", "varchar"),
        Column("last_modified", "varchar", "The Last-Modified header as sent."),
        Column("fetched_at", "timestamp", "UTC.", not_null=True),
        Column("sha256", "varchar", "Of the bytes landed: the report_id of the file.", not_null=True),
        Column("file_name", "varchar", "Its name in the landing folder.", not_null=True),
    ),
    # Written by raw_report_files, but a dbt source maps to one asset a table: lineage shows it
    # below the asset whose crawl it records.
    asset_key="collected_reports",
    written_at="fetched_at",
)

LANDED_FILES = Table(
    "ingest",
    "landed_files",
    "The sha256 of each landing path as last hashed, with the size and mtime it had then: a file whose "
    "size and mtime are unchanged is not read again (hashing 100,000 files takes minutes).",
    (
        Column("landing_path", "varchar", primary_key=True),
        Column("size_bytes", "bigint", not_null=True),
        Column("mtime_ns", "bigint", not_null=True),
        Column("sha256", "varchar", not_null=True),
    ),
)

QUARANTINED_FILES = Table(
    "ingest",
    "quarantined_files",
    "Files the parser refused (cannot decode, too large, scanned PDF, over its time or memory budget...; "
    "the file stays in the raw store), and the landing folder's entries that are not read (links, hidden "
    "and special files).",
    (
        Column(
            "sha256",
            "varchar",
            "Of the raw bytes; for the landing stage (nothing read), of the entry's path and reason.",
            primary_key=True,
        ),
        Column(
            "file_name",
            "varchar",
            "Base name, as ingest.report_files shows it; for the landing stage its path in the landing folder.",
            not_null=True,
        ),
        Column("raw_path", "varchar", "Its copy in the raw store; empty for the landing stage.", not_null=True),
        Column("stage", "varchar", "The step that refused it: landing | parse.", not_null=True),
        Column("reason", "varchar", "One sentence a person understands.", not_null=True),
        Column("parser_version", "varchar", "Empty for the landing stage.", not_null=True),
        Column("quarantined_at", "timestamp", "UTC.", not_null=True),
    ),
    asset_key="quarantined_files",
    from_parser=True,
    written_at="quarantined_at",
)

REPORTS = Table(
    "parsed",
    "reports",
    "One row per successfully parsed file (status ok in `govreports parse`).",
    (
        Column("sha256", "varchar", primary_key=True),
        Column("file_name", "varchar", not_null=True),
        Column("parser_version", "varchar", not_null=True),
        Column("parsed_at", "timestamp", "UTC.", not_null=True),
        Column("format", "varchar", "txt | html | md | pdf | docx."),
        Column("encoding", "varchar"),
        Column("script", "varchar", "simplified | traditional (of the source)."),
        Column("doc_type", "varchar", "annual_report | work_summary | self_inspection | other.", not_null=True),
        Column("layout", "varchar", "2021 | 2019 | freeform | null."),
        Column(
            "table3_outcome_layout",
            "varchar",
            "The outcome rows (七)总计 sums: 2021 (21 rows) | 2019 (19) | null without a Table 3.",
            added_later=True,
        ),
        Column("is_template", "boolean", not_null=True),
        Column("title", "varchar"),
        Column("agency", "varchar"),
        Column("province", "varchar"),
        Column("city", "varchar"),
        Column("county", "varchar"),
        Column("region_code", "varchar", "Official 6-digit (or longer) division code."),
        Column("report_year", "integer"),
        Column("publish_date", "date"),
        Column("repairs", "varchar[]"),
        Column("flags", "varchar[]"),
    ),
    asset_key="parsed_reports",
    from_parser=True,
    written_at="parsed_at",
)

TABLE2_CELLS = _cells(2, "proactive disclosure", "row_code", "double")
TABLE3_CELLS = _cells(3, "applications received and handled", "row_code", "bigint")
TABLE4_CELLS = _cells(
    4,
    "administrative review and litigation",
    "group_code",
    "bigint",
    _codes(codes.TABLE4_GROUPS),
    _codes(codes.TABLE4_COLUMNS),
)

NARRATIVE_METRICS = Table(
    "parsed",
    "narrative_metrics",
    "Numbers read from the prose, with the sentence they came from.",
    (
        Column("sha256", "varchar", not_null=True),
        Column("metric_name", "varchar", not_null=True),
        Column("value", "double", not_null=True),
        Column("unit", "varchar"),
        Column("evidence", "varchar", "The sentence.", not_null=True),
    ),
    asset_key="parsed_narrative_metrics",
    from_parser=True,
)

REPORT_CHECKS = Table(
    "parsed",
    "report_checks",
    "The per-report rules, evaluated by the parser (orchestration/parsing/checks.py, the checks of "
    "`govreports parse`): one row per report × rule × scope.",
    (
        Column("sha256", "varchar", not_null=True),
        Column("rule", "varchar", not_null=True),
        Column("scope", "varchar", "The column, row, group or table assessed.", not_null=True),
        Column("status", "varchar", "pass | fail | not_assessable.", not_null=True),
        Column("detail", "varchar"),
        Column("lhs", "double", "The rule's left side (a sum of cells); null when not assessable.", added_later=True),
        Column("rhs", "double", "The rule's right side; null when not assessable.", added_later=True),
    ),
    asset_key="parsed_report_checks",
    from_parser=True,
)

REPORT_SECTIONS = Table(
    "parsed",
    "report_sections",
    "The sections of a report's running text, headed as the 2019 and 2021 layouts fix them "
    "(orchestration/parsing/sections.py): one row per report × section found.",
    (
        Column("sha256", "varchar", not_null=True),
        Column("section_number", "integer", "1-6: 一、总体情况 … 六、其他需要报告的事项.", not_null=True),
        Column("heading", "varchar", "The heading as printed.", not_null=True),
        Column(
            "text",
            "varchar",
            "What stands between this heading and the next section's (the last section: to the end of the "
            "running text, signature included).",
            not_null=True,
        ),
        Column("char_count", "integer", "Characters of text.", not_null=True),
    ),
    asset_key="parsed_report_sections",
    from_parser=True,
)

_MAPPING_VERSION = Column(
    "mapping_version",
    "varchar",
    "The identity mapping (resolver, name rules, zones, overrides) the row was resolved with.",
    not_null=True,
)

REPORT_AGENCIES = Table(
    "identity",
    "report_agencies",
    "One row per parsed report with an agency name: the organ it was resolved to and from which clues.",
    (
        Column("sha256", "varchar", "The report (parsed.reports.sha256).", primary_key=True),
        Column("agency_id", "varchar", "md5 of agency_key.", not_null=True),
        Column("agency_key", "varchar", "place|unit|organ: the organ's identity, readable.", not_null=True),
        Column("printed_name", "varchar", "The agency name the parser read.", not_null=True),
        Column(
            "place_basis",
            "varchar",
            "Where the place came from: name | name_and_report_region (the region told which of "
            "several places of that name) | report_region | zone_list | national | override | unplaced.",
            not_null=True,
        ),
        _MAPPING_VERSION,
        Column("assigned_at", "timestamp", "UTC, when the report got this agency.", not_null=True),
    ),
    asset_key="report_agencies",
    written_at="assigned_at",
)

AGENCIES = Table(
    "identity",
    "agencies",
    "One row per organ a report was resolved to, and per government above one (its parent), whether "
    "or not it reported.",
    (
        Column("agency_id", "varchar", "md5 of agency_key.", primary_key=True),
        Column("agency_key", "varchar", "place|unit|organ.", not_null=True),
        Column("canonical_name", "varchar", "The name the key spells: place, unit and organ.", not_null=True),
        Column(
            "level",
            "varchar",
            "province | city | county | township_street | functional_zone | department | other.",
            not_null=True,
        ),
        Column("level_basis", "varchar", "How the level was decided.", not_null=True),
        Column("level_confidence", "varchar", "high | medium | low.", not_null=True),
        Column(
            "government_level",
            "varchar",
            "For a department: the level of the government it belongs to (national for the central "
            "government's organs); for a government, its own level.",
        ),
        Column("place_code", "varchar", "Division code (GB/T 2260) of its place; null when unplaced or national."),
        Column("province", "varchar"),
        Column("city", "varchar"),
        Column("county", "varchar"),
        Column("unit", "varchar", "The township, street or functional zone it is or belongs to."),
        Column("organ", "varchar", "The department's own name; null for a government itself."),
        Column("parent_agency_id", "varchar", "The government it belongs to (null for a province or national)."),
        Column("identity_basis", "varchar", "rules | override.", not_null=True),
        Column("override_note", "varchar", "The override's note when one applied."),
        _MAPPING_VERSION,
    ),
    asset_key="agencies",
)

AGENCY_REVIEW = Table(
    "identity",
    "agency_review",
    "Identities a person should settle with an override: likely duplicates (two ids, one organ?) and "
    "likely merges (one id, reports that disagree on place), and reports whose organ could not be placed.",
    (
        Column("kind", "varchar", "likely_duplicate | likely_merge | unplaced.", not_null=True),
        Column("agency_id", "varchar", not_null=True),
        Column("other_agency_id", "varchar", "The other agency of a likely duplicate."),
        Column("similarity", "double", "Of the two names (0-1), for a likely duplicate."),
        Column("detail", "varchar", "Why, in a sentence.", not_null=True),
        _MAPPING_VERSION,
    ),
    asset_key="agency_review",
)

DIVISIONS = Table(
    "identity",
    "divisions",
    "Every province, city and county of the division dataset the resolver places organs with "
    "(orchestration/parsing/regions.py): the governments expected to publish a report each year.",
    (
        Column("region_code", "varchar", "Division code (GB/T 2260).", primary_key=True),
        Column("division_name", "varchar", "Its name (佳木斯市, 同江市).", not_null=True),
        Column("level", "varchar", "province | city | county (a municipality is a province).", not_null=True),
        Column("parent_region_code", "varchar", "The division whose government is above it; null for a province."),
    ),
    asset_key="divisions",
)

IDENTITY_STATE = Table(
    "identity",
    "resolved_state",
    "What the identity tables were last resolved from (orchestration/warehouse/identity_store.py): a run "
    "with no new report and the same mapping resolves nothing.",
    (
        Column("mapping_version", "varchar", not_null=True),
        Column("reports", "bigint", "Rows of parsed.reports then.", not_null=True),
        Column("latest_parse", "timestamp", "Their latest parsed_at."),
        Column("resolved_at", "timestamp", not_null=True),
    ),
)

_METHOD = Column("method", "varchar", "The detector's method and version (orchestration/similarity).", not_null=True)

REPORT_SIGNATURES = Table(
    "similarity",
    "report_signatures",
    "One MinHash sketch per report × prose section (一, 二, 五, 六), so that a run hashes only the reports "
    "parsed since: shingles of the section's text with digits masked and the stock phrases removed.",
    (
        Column("sha256", "varchar", not_null=True),
        Column("section_number", "integer", not_null=True),
        Column(
            "shingles", "integer", "Distinct shingles hashed (after the stock phrases were removed).", not_null=True
        ),
        Column("sketch", "blob", "One-permutation MinHash: a little-endian uint32 per bin.", not_null=True),
        _METHOD,
        Column("hashed_at", "timestamp", "UTC; the report's parsed_at it was hashed from is older.", not_null=True),
    ),
)

REPORT_MATCHES = Table(
    "similarity",
    "report_matches",
    "Per report with prose sections and per relation, the most similar other report found: the same agency's "
    "report of the previous year, and the closest report of another agency of the same year (LSH candidates).",
    (
        Column("sha256", "varchar", "The report.", not_null=True),
        Column("relation", "varchar", "previous_year | same_year_other_agency.", not_null=True),
        Column(
            "other_sha256",
            "varchar",
            "The most similar report of that relation; null when there is none (no report of the previous year, "
            "or no report of another agency shares an LSH band with it).",
        ),
        Column(
            "similarity",
            "double",
            "Estimated Jaccard similarity (0-1) of the prose sections' shingles; null when it would rest on "
            "fewer than 8 MinHash bins.",
        ),
        Column("sections_alike", "varchar", "Sections whose own similarity is 0.5 or more, e.g. 一,二,五."),
        Column("similarity_section_1", "double", "Of section 一 alone; null when either report lacks it."),
        Column("similarity_section_2", "double", "Of section 二 alone."),
        Column("similarity_section_5", "double", "Of section 五 alone."),
        Column("similarity_section_6", "double", "Of section 六 alone."),
        Column("bins_compared", "integer", "MinHash bins the estimate rests on (boilerplate and empty bins left out)."),
        Column(
            "bucket_truncated", "boolean", "An LSH bucket of the report was cut to its bound: a match may be missed."
        ),
        _METHOD,
        Column("matched_at", "timestamp", "UTC, when the matches were computed.", not_null=True),
    ),
    asset_key="report_matches",
    written_at="matched_at",
)

SIMILARITY_STATE = Table(
    "similarity",
    "matched_state",
    "What similarity.report_matches was last computed from: a run with no new sketch or agency computes nothing.",
    (
        Column("state", "varchar", not_null=True),
        Column("matched_at", "timestamp", not_null=True),
    ),
)

DBT_BUILD_STATE = Table(
    "ingest",
    "dbt_build_state",
    "What the last successful dbt build was built from (orchestration/warehouse/build_state.py).",
    (
        Column("fingerprint", "varchar", not_null=True),
        Column("built_at", "timestamp", not_null=True),
        Column("code_checksum", "varchar", added_later=True),
    ),
)

TABLES: tuple[Table, ...] = (
    REPORT_FILES,
    DOCUMENTS,
    LANDED_FILES,
    QUARANTINED_FILES,
    REPORTS,
    TABLE2_CELLS,
    TABLE3_CELLS,
    TABLE4_CELLS,
    NARRATIVE_METRICS,
    REPORT_CHECKS,
    REPORT_SECTIONS,
    REPORT_AGENCIES,
    AGENCIES,
    AGENCY_REVIEW,
    DIVISIONS,
    IDENTITY_STATE,
    REPORT_SIGNATURES,
    REPORT_MATCHES,
    SIMILARITY_STATE,
    DBT_BUILD_STATE,
)
IDENTITY = (REPORT_AGENCIES, AGENCIES, AGENCY_REVIEW, DIVISIONS)
SIMILARITY = (REPORT_MATCHES,)
SOURCES = tuple(t for t in TABLES if t.asset_key)  # what a dbt build reads
FROM_PARSER = tuple(t for t in TABLES if t.from_parser)


def _column_sql(c: Column) -> str:
    return f"{c.name} {c.type}" + (" primary key" if c.primary_key else " not null" if c.not_null else "")


def schema_sql() -> str:
    """The statements that create whatever is missing of the schemas and tables."""
    statements = [f"create schema if not exists {schema}" for schema in SCHEMAS]
    for t in TABLES:
        columns = ",\n    ".join(_column_sql(c) for c in t.columns)
        statements.append(f"create table if not exists {t.qualified} (\n    {columns}\n)")
        statements += [
            f"alter table {t.qualified} add column if not exists {_column_sql(c)}" for c in t.columns if c.added_later
        ]
    return ";\n".join(statements) + ";\n"
