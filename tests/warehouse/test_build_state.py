import json

from orchestration.warehouse import build_state, duck


def test_state_moves_with_staging_data_and_dbt_code(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {"model.x.a": {"checksum": {"checksum": "1"}}}, "macros": {}}))
    code = build_state.code_checksum(manifest)
    with duck.connect(tmp_path / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        empty = build_state.current(con, code)
        assert build_state.last_built(con) is None
        assert build_state.needs_full_refresh(None, empty)  # never built
        assert build_state.dbt_build_args(None, empty) == ["build", "--full-refresh"]
        build_state.record_build(con, empty)
        assert build_state.last_built(con) == empty
        assert build_state.current(con, code) == empty  # nothing changed

        con.execute("insert into parsed.table3_cells values ('a', 'granted', 'total', 1, '1')")
        with_cell = build_state.current(con, code)
        assert with_cell != empty
        assert not build_state.needs_full_refresh(empty, with_cell)  # new data: incremental
        last = build_state.last_built(con)
        args = build_state.dbt_build_args(last, with_cell)
        assert args[:2] == ["build", "--vars"] and json.loads(args[2]) == {"rows_parsed_since": str(last.built_at)}

        manifest.write_text(json.dumps({"nodes": {"model.x.a": {"checksum": {"checksum": "2"}}}, "macros": {}}))
        new_code = build_state.current(con, build_state.code_checksum(manifest))
        assert new_code != with_cell
        assert build_state.needs_full_refresh(empty, new_code)  # other dbt code: from scratch
        assert build_state.dbt_build_args(last, new_code) == ["build", "--full-refresh"]
