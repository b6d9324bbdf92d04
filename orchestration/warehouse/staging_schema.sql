-- The tables the Python assets write and dbt reads as sources. One DuckDB file
-- (data/warehouse/warehouse.duckdb); schema `ingest` for what arrived, `parsed` for what the
-- parser read. Keys: sha256 of the raw file bytes identifies a file and its report.

create schema if not exists ingest;
create schema if not exists parsed;

-- One row per distinct file ever landed (by content hash). Written by asset raw_report_files.
create table if not exists ingest.report_files (
    sha256        varchar primary key,
    file_name     varchar not null,   -- base name as it landed (first arrival)
    landing_path  varchar not null,   -- where it was found
    raw_path      varchar not null,   -- immutable copy in the raw store
    size_bytes    bigint  not null,
    extension     varchar,            -- lower-case, without dot: txt, html, pdf, docx, md ...
    arrived_at    timestamp not null  -- UTC, when first registered
);

-- The sha256 of each landing path as last hashed, with the size and mtime it had then: a file
-- whose size and mtime are unchanged is not read again (hashing 100,000 files takes minutes).
create table if not exists ingest.landed_files (
    landing_path  varchar primary key,
    size_bytes    bigint  not null,
    mtime_ns      bigint  not null,
    sha256        varchar not null
);

-- Files the parser refused (cannot decode, too large, scanned PDF...). The file stays in the raw store.
create table if not exists ingest.quarantined_files (
    sha256          varchar primary key,
    file_name       varchar not null,
    raw_path        varchar not null,
    stage           varchar not null,   -- 'parse'
    reason          varchar not null,   -- one sentence a person understands
    parser_version  varchar not null,
    quarantined_at  timestamp not null
);

-- One row per successfully parsed file (status ok in `govreports parse`).
create table if not exists parsed.reports (
    sha256          varchar primary key,
    file_name       varchar not null,
    parser_version  varchar not null,
    parsed_at       timestamp not null,
    format          varchar,      -- txt | html | md | pdf | docx
    encoding        varchar,
    script          varchar,      -- simplified | traditional (of the source)
    doc_type        varchar not null,  -- annual_report | work_summary | self_inspection | other
    layout          varchar,      -- 2021 | 2019 | freeform | null
    is_template     boolean not null,
    title           varchar,
    agency          varchar,
    province        varchar,
    city            varchar,
    county          varchar,
    region_code     varchar,      -- official 6-digit (or longer) division code
    report_year     integer,
    publish_date    date,
    repairs         varchar[],
    flags           varchar[]
);

-- Table 2 (proactive disclosure) cells, long form. value null = cell present but not filled.
create table if not exists parsed.table2_cells (
    sha256       varchar not null,
    row_code     varchar not null,
    column_code  varchar not null,
    value        double,
    raw          varchar
);

-- Table 3 (applications) cells, long form.
create table if not exists parsed.table3_cells (
    sha256       varchar not null,
    row_code     varchar not null,
    column_code  varchar not null,
    value        bigint,
    raw          varchar
);

-- Table 4 (review and litigation) cells, long form.
create table if not exists parsed.table4_cells (
    sha256       varchar not null,
    group_code   varchar not null,   -- review | litigation_direct | litigation_after_review
    column_code  varchar not null,   -- upheld | corrected | other | pending | total
    value        bigint,
    raw          varchar
);

-- Narrative numbers with the sentence they came from.
create table if not exists parsed.narrative_metrics (
    sha256       varchar not null,
    metric_name  varchar not null,
    value        double not null,
    unit         varchar,
    evidence     varchar not null
);

-- The parser's arithmetic checks per report (the "checks" of `govreports parse`).
create table if not exists parsed.report_checks (
    sha256   varchar not null,
    rule     varchar not null,
    scope    varchar,
    status   varchar not null,   -- pass | fail | not_assessable
    detail   varchar
);

-- What the last successful dbt build was built from (see orchestration/warehouse/build_state.py):
-- a run whose staging tables and dbt project are unchanged skips the rebuild; a change of dbt
-- code rebuilds the incremental models from scratch.
create table if not exists ingest.dbt_build_state (
    fingerprint  varchar not null,
    built_at     timestamp not null
);
alter table ingest.dbt_build_state add column if not exists code_checksum varchar;
