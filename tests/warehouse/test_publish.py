import duckdb

from orchestration.warehouse.publish import publish_copy


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
