"""The one declaration of the staging tables: the DDL made from it, and dbt's sources."""

import duckdb
import yaml

from orchestration.warehouse import dbt_files, tables


def _catalog(con):
    rows = con.execute(
        "select table_schema || '.' || table_name, column_name, lower(data_type) from information_schema.columns "
        f"where table_schema in {tuple(tables.SCHEMAS)} order by table_schema, table_name, ordinal_position"
    ).fetchall()
    catalog: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        catalog.setdefault(table, []).append((column, data_type))
    return catalog


def test_schema_sql_creates_the_declared_tables_and_brings_old_ones_up_to_date():
    con = duckdb.connect()
    # A warehouse made before the build state recorded the dbt code's checksum.
    con.execute("create schema ingest; create table ingest.dbt_build_state (fingerprint varchar, built_at timestamp)")
    con.execute(tables.schema_sql())
    con.execute(tables.schema_sql())  # runs before every step: a second time changes nothing
    assert _catalog(con) == {t.qualified: [(c.name, c.type) for c in t.columns] for t in tables.TABLES}
    keys = con.execute(
        "select table_name, constraint_column_names from duckdb_constraints() "
        "where constraint_type = 'PRIMARY KEY' order by 1"
    ).fetchall()
    assert keys == [
        ("agencies", ["agency_id"]),
        ("divisions", ["region_code"]),
        ("documents", ["url"]),
        ("landed_files", ["landing_path"]),
        ("quarantined_files", ["sha256"]),
        ("report_agencies", ["sha256"]),
        ("report_files", ["sha256"]),
        ("reports", ["sha256"]),
    ]


def test_dbt_sources_are_the_tables_with_an_asset_and_their_columns():
    con = duckdb.connect()
    con.execute(tables.schema_sql())
    catalog = _catalog(con)
    sources = yaml.safe_load(dbt_files.sources_yml())["sources"]
    declared = {
        f"{s['schema']}.{t['name']}": (
            t["meta"]["dagster"]["asset_key"],
            [(c["name"], c["data_type"]) for c in t["columns"]],
        )
        for s in sources
        for t in s["tables"]
    }
    assert declared == {t.qualified: ([t.asset_key], catalog[t.qualified]) for t in tables.SOURCES}
    # What dbt reads is what the build state watches: the parse step's tables, the identity and
    # similarity tables, the registered files and the collected documents' provenance.
    watched = {t.qualified for t in (*tables.FROM_PARSER, *tables.IDENTITY, *tables.SIMILARITY)}
    watched |= {"ingest.report_files", "ingest.documents"}
    assert {t.qualified for t in tables.SOURCES} == watched
