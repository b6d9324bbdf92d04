import shutil

import duckdb

from orchestration.warehouse.publish import publish_copy, published_build


def test_publish_replaces_the_served_copy_while_a_reader_holds_it(tmp_path):
    warehouse = tmp_path / "work" / "warehouse.duckdb"
    served = tmp_path / "served" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts; create table marts.t as select 1 as x")
    con.close()
    publish_copy(warehouse, served)

    reader = duckdb.connect(str(served), read_only=True)
    assert reader.execute("select x from marts.t").fetchall() == [(1,)]

    con = duckdb.connect(str(warehouse))
    con.execute("insert into marts.t values (2)")
    con.close()
    publish_copy(warehouse, served)  # the open reader neither blocks this nor sees a half-built file

    assert reader.execute("select count(*) from marts.t").fetchone()[0] == 1  # its snapshot is intact
    reader.close()
    fresh = duckdb.connect(str(served), read_only=True)
    assert fresh.execute("select x from marts.t order by x").fetchall() == [(1,), (2,)]
    fresh.close()


def _warehouse(path):
    """A warehouse with a mart, a code list, a view over an internal table, and internal schemas
    holding host paths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("""
        create schema ingest; create schema parsed; create schema staging; create schema marts; create schema seeds;
        create table ingest.report_files as select 'ab12' as sha256, '/home/someone/landing/a.txt' as landing_path,
            '/srv/raw/ab/ab12.txt' as raw_path;
        create table parsed.reports as select 'ab12' as sha256, 'a.txt' as file_name;
        create view staging.stg_reports as select sha256, file_name from parsed.reports;
        create table marts.dim_report as select 'ab12' as report_id, 'a.txt' as file_name;
        create view marts.report_names as select file_name from staging.stg_reports;
        create table seeds.table3_rows as select 'granted' as row_code, '予以公开' as label_zh;
    """)
    con.close()


def test_the_copy_holds_the_marts_and_code_lists_and_which_build_it_is(tmp_path):
    warehouse, served = tmp_path / "work" / "warehouse.duckdb", tmp_path / "served" / "warehouse.duckdb"
    _warehouse(warehouse)
    publish_copy(warehouse, served, "fingerprint-1")

    con = duckdb.connect(str(served), read_only=True)
    relations = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables order by all"
    ).fetchall()
    assert relations == [
        ("marts", "dim_report", "BASE TABLE"),
        ("marts", "report_names", "BASE TABLE"),  # a view's rows: the schemas it reads stay behind
        ("meta", "publication", "BASE TABLE"),
        ("seeds", "table3_rows", "BASE TABLE"),
    ]
    assert con.execute("select * from marts.report_names").fetchall() == [("a.txt",)]
    assert con.execute("select * from seeds.table3_rows").fetchall() == [("granted", "予以公开")]
    values = [
        con.execute(f"select * from {schema}.{name}").fetchall() for schema, name, _ in relations if schema != "meta"
    ]
    assert not any("/" in str(value) for value in values)  # no host path reaches a reader
    con.close()
    assert published_build(served) == "fingerprint-1"


def test_which_build_a_copy_holds_is_read_from_the_file_now(tmp_path):
    warehouse, served = tmp_path / "work" / "warehouse.duckdb", tmp_path / "served" / "warehouse.duckdb"
    assert published_build(served) is None  # nothing published yet
    _warehouse(warehouse)
    served.parent.mkdir()
    shutil.copyfile(warehouse, served)  # a copy published before copies said which build they hold
    assert published_build(served) is None

    publish_copy(warehouse, served, "fingerprint-1")
    reader = duckdb.connect(str(served), read_only=True)  # a BI reader in this process
    publish_copy(warehouse, served, "fingerprint-2")
    # Not the reader's cached database, which still holds the copy before.
    assert reader.execute("select build_fingerprint from meta.publication").fetchall() == [("fingerprint-1",)]
    assert published_build(served) == "fingerprint-2"
    reader.close()
    publish_copy(warehouse, served)  # the build not known: no run takes the copy for current
    assert published_build(served) is None
