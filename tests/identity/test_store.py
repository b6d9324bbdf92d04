"""The identity tables in the warehouse: resolved after a parse, left alone when nothing changed,
a report's assigned_at kept while its agency stays, a changed mapping resolved again."""

from __future__ import annotations

import shutil

from orchestration.identity import Mapping
from orchestration.identity.rules import OVERRIDES, SEEDS_DIR
from orchestration.warehouse import duck, identity_store


def _add(con, sha: str, agency: str | None, region: str | None, parsed_at: str) -> None:
    con.execute(
        "insert into parsed.reports (sha256, file_name, parser_version, parsed_at, doc_type, is_template, agency,"
        " region_code) values (?, ?, 'v', ?, 'annual_report', false, ?, ?)",
        [sha, f"{sha}.txt", parsed_at, agency, region],
    )


def _assigned(con) -> dict[str, tuple]:
    rows = con.execute("select sha256, agency_key, place_basis, assigned_at from identity.report_agencies").fetchall()
    return {sha: tuple(rest) for sha, *rest in rows}


def test_resolved_once_then_kept_and_resolved_again_on_change(tmp_path):
    with duck.connect(tmp_path / "w.duckdb") as con:
        duck.ensure_staging_schema(con)
        _add(con, "a", "平潭县卫生局", "350128", "2024-01-01 00:00:00")
        _add(con, "b", "铁西区人民政府", None, "2024-01-01 00:00:00")
        _add(con, "c", None, None, "2024-01-01 00:00:00")  # no agency read: no row
        first = identity_store.resolve_into(con)
        assert (first.resolved, first.reports, first.reassigned) == (True, 2, 0)
        assert first.review == {"unplaced": 1}
        before = _assigned(con)
        assert {sha: row[:2] for sha, row in before.items()} == {
            "a": ("350128||卫生局", "name"),
            "b": ("unplaced:b|铁西区|", "unplaced"),
        }
        # 卫生局, 平潭县, 福州市 and 福建省 governments, and the unplaced 铁西区人民政府.
        assert duck.row_count(con, "identity.agencies") == 5

        assert not identity_store.resolve_into(con).resolved  # nothing new

        _add(con, "d", "平潭县卫生局", None, "2024-02-01 00:00:00")
        again = identity_store.resolve_into(con)
        assert (again.resolved, again.reports, again.reassigned) == (True, 3, 0)
        after = _assigned(con)
        assert after["a"] == before["a"]  # same agency: assigned_at kept
        assert after["d"][0] == "350128||卫生局"

        seeds = tmp_path / "seeds"
        shutil.copytree(SEEDS_DIR, seeds)
        with open(seeds / OVERRIDES, "a", encoding="utf-8") as f:
            f.write("铁西区人民政府,,210303||,,,checked on the portal\n")
        overridden = identity_store.resolve_into(con, Mapping.load(seeds))
        assert (overridden.resolved, overridden.reassigned) == (True, 1)
        changed = _assigned(con)
        assert changed["b"][:2] == ("210303||", "override")
        assert changed["b"][2] > before["b"][2]
        assert changed["a"] == before["a"]
        versions = con.execute("select distinct mapping_version from identity.agencies").fetchall()
        assert versions == [(Mapping.load(seeds).version,)]
