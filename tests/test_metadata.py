import duckdb

from orchestration.defs.metadata import preview


def test_a_preview_shows_nulls_as_empty_cells_never_nan():
    con = duckdb.connect()
    shown = preview(
        con,
        "select * from (values (110000, '北京市', null::int, null::varchar), (110101, null, 110000, 'county'))"
        " as t(region_code, division_name, parent_region_code, level)",
    ).value
    assert "nan" not in shown and "<NA>" not in shown
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in shown.splitlines()[2:]]
    assert rows == [["110000", "北京市", "", ""], ["110101", "", "110000", "county"]]


def test_a_preview_of_no_rows_says_so():
    assert preview(duckdb.connect(), "select 1 as x where false").value == "_(no rows)_"
