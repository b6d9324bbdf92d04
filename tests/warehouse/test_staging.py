from orchestration.parsing.model import Check, Metric, ParseResult, Region, TableCell
from orchestration.warehouse import duck, staging


def _register(con, sha, name):
    con.execute(
        "insert into ingest.report_files values (?, ?, ?, ?, 10, 'txt', now())",
        [sha, name, f"/landing/{name}", f"/raw/{sha}.txt"],
    )


def _ok(sha, value):
    return ParseResult(
        file="x.txt",
        sha256=sha,
        doc_type="annual_report",
        layout="2021",
        table3_outcome_layout="2021",
        agency="某街道",
        region=Region("黑龙江省", "佳木斯市", "同江市", "230881"),
        report_year=2023,
        publish_date="2024-01-19",
        cells=[
            TableCell(3, "new_received", "total", value, str(value)),
            TableCell(3, "carried_over", "total", None, "/"),
            TableCell(4, "review", "upheld", 0, "0"),
            TableCell(2, "administrative_fees", "amount_10k_yuan", 1.25, "1.25"),
        ],
        metrics=[Metric("complaints_received", 45, "件", "收到投诉建议共45件")],
        checks=[
            Check("table3_balance", "total", "not_assessable", "missing or not filled: carried_over"),
            Check("non_negative_counts", "table3", "pass", f"all 1 numbers read are ≥ 0 (smallest {value})", value, 0),
        ],
        repairs=["unicode_nfkc"],
    )


def test_pending_load_and_reparse_replace_rows(tmp_path):
    with duck.connect(tmp_path / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        _register(con, "a" * 64, "a.txt")
        _register(con, "b" * 64, "b.txt")
        pending = staging.pending_files(con, "v1")
        assert [p.file_name for p in pending] == ["a.txt", "b.txt"]

        bad = ParseResult(file="b.txt", sha256="b" * 64, status="error", error="file is empty")
        rows = staging.staging_rows([_ok("a" * 64, 7), bad], "v1", {p.sha256: p.raw_path for p in pending})
        outcome = staging.load_rows(con, rows)
        assert (outcome.parsed, outcome.quarantined) == (1, 1)
        assert staging.pending_files(con, "v1") == []
        assert len(staging.pending_files(con, "v2")) == 2  # a new parser version re-parses

        # Re-parsing replaces the file's rows instead of adding to them.
        staging.load_rows(con, staging.staging_rows([_ok("a" * 64, 9)], "v2", {"a" * 64: "/raw/a.txt"}))
        cells = con.execute(
            "select row_code, column_code, value, raw from parsed.table3_cells order by row_code"
        ).fetchall()
        assert cells == [("carried_over", "total", None, "/"), ("new_received", "total", 9, "9")]
        assert con.execute(
            "select parser_version, region_code, publish_date::varchar, table3_outcome_layout from parsed.reports"
        ).fetchall() == [("v2", "230881", "2024-01-19", "2021")]
        assert con.execute(
            "select rule, scope, status, lhs, rhs from parsed.report_checks order by rule"
        ).fetchall() == [
            ("non_negative_counts", "table3", "pass", 9.0, 0.0),
            ("table3_balance", "total", "not_assessable", None, None),
        ]
        assert con.execute("select value from parsed.table2_cells").fetchall() == [(1.25,)]
        assert con.execute("select group_code, value from parsed.table4_cells").fetchall() == [("review", 0)]
        assert con.execute("select reason, stage, raw_path from ingest.quarantined_files").fetchall() == [
            ("file is empty", "parse", "/raw/" + "b" * 64 + ".txt")
        ]
        assert duck.row_count(con, "parsed.narrative_metrics") == 1


def test_a_parser_crash_quarantines_the_file_instead_of_stopping(tmp_path):
    def explode(path):
        raise ValueError("boom")

    item = staging.PendingFile("c" * 64, "c.pdf", "/raw/c.pdf")
    [rows] = staging.parse_batches([item], explode, "v1")
    assert rows["parsed.reports"].num_rows == 0
    [quarantined] = rows["ingest.quarantined_files"].to_pylist()
    assert "ValueError: boom" in quarantined["reason"] and quarantined["file_name"] == "c.pdf"


def _fake_parse(path):
    """Module level, so a process pool can pickle it."""
    sha = path.rsplit("/", 1)[-1].split(".")[0]
    return _ok(sha, int(sha[:2], 16))


def test_parse_batches_keeps_order_and_bounds_each_batch():
    items = [staging.PendingFile(f"{i:02x}" * 32, f"{i}.txt", f"/raw/{i:02x}{'0' * 62}.txt") for i in range(70)]
    batches = list(staging.parse_batches(items, _fake_parse, "v1", workers=2, batch_size=30))
    assert [b["parsed.reports"].num_rows for b in batches] == [30, 30, 10]
    assert [sha for b in batches for sha in b["parsed.reports"]["sha256"].to_pylist()] == [p.sha256 for p in items]
    assert sum(b["parsed.table3_cells"].num_rows for b in batches) == 140


def test_parse_and_load_loads_every_batch(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    with duck.connect(wh) as con:
        duck.ensure_staging_schema(con)
        for i in range(5):
            _register(con, f"{i:02x}" * 32, f"{i}.txt")
        pending = staging.pending_files(con, "v1")
    outcome = staging.parse_and_load(lambda: duck.connect(wh), pending, _fake_parse, "v1", batch_size=2)
    assert outcome.parsed == 5 and outcome.rows_written["parsed.table3_cells"] == 10
    with duck.connect(wh) as con:
        assert staging.pending_files(con, "v1") == []
        assert duck.row_count(con, "parsed.table3_cells") == 10


def test_row_schemas_match_the_staging_tables(tmp_path):
    """The Arrow columns the parser's rows travel in are the columns of the DDL, in order."""
    with duck.connect(tmp_path / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        for table, schema in staging.ROW_SCHEMAS.items():
            schema_name, name = table.split(".")
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema_name, name],
                ).fetchall()
            ]
            assert schema.names == columns, table
