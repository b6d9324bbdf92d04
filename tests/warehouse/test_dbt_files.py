"""The dbt files `govreports generate` writes: the committed ones are what it writes, the seeds say
what orchestration/parsing/codes.py says, and the dbt project reads them by the names they have."""

import csv
import io
import re

import yaml

from orchestration.cli import main
from orchestration.parsing import codes
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import dbt_files


def _rows(seed: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(dbt_files.seeds()[seed])))


def test_the_committed_files_are_what_generate_writes():
    assert dbt_files.stale(DBT_PROJECT_DIR) == [], "run `make generate` and commit what it writes"
    assert main(["generate", "--check"]) == 0


def test_generate_writes_only_what_differs(tmp_path):
    for path in dbt_files.files():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    assert dbt_files.write(tmp_path) == list(dbt_files.files())
    assert dbt_files.write(tmp_path) == []
    seed = tmp_path / "seeds" / "table4_columns.csv"
    seed.write_text(seed.read_text(encoding="utf-8").replace("review,", "reviews,"), encoding="utf-8")
    assert dbt_files.stale(tmp_path) == [seed.relative_to(tmp_path)]


def test_the_dbt_project_declares_each_seed_with_its_columns():
    described = yaml.safe_load((DBT_PROJECT_DIR / "seeds" / "_seeds.yml").read_text(encoding="utf-8"))["seeds"]
    typed = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["seeds"]["govreports"]
    # The generated code lists and the hand-kept identity mapping (agency_*.csv) alike.
    headers = {
        path.stem: next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        for path in sorted((DBT_PROJECT_DIR / "seeds").glob("*.csv"))
    }
    assert set(dbt_files.seeds()) < set(headers)
    assert {s["name"]: [c["name"] for c in s["columns"]] for s in described} == headers
    assert {name: list(typed[name]["+column_types"]) for name in headers} == headers


def test_table3_rows_keep_the_outcome_rows_of_each_layout():
    rows = _rows("table3_rows")
    assert [(r["row_code"], int(r["sort_order"])) for r in rows] == [(r.code, r.order) for r in codes.TABLE3_ROWS]
    for layout in codes.LAYOUTS:
        assert tuple(
            r["row_code"] for r in rows if r["row_group"] in codes.OUTCOME_GROUPS and layout in r["layouts"].split("|")
        ) == codes.table3_outcome_codes(layout)
    assert [r["column_code"] for r in _rows("table3_columns") if r["is_total"] == "true"] == ["total"]


def test_table2_items_are_the_printed_cells_with_their_kinds():
    rows = _rows("table2_items")
    assert sorted((r["layout"], r["row_code"], r["column_code"]) for r in rows) == sorted(codes.TABLE2_CELLS)
    for layout in codes.LAYOUTS:
        orders = [int(r["sort_order"]) for r in rows if r["layout"] == layout]
        assert orders == list(range(1, len(orders) + 1))
    assert {r["column_code"] for r in rows if r["may_be_negative"] == "true"} == codes.TABLE2_SIGNED_COLUMNS
    assert {r["column_code"]: r["value_kind"] for r in rows if r["value_kind"] != "count"} == codes.TABLE2_AMOUNT_KINDS


def test_the_row_groups_the_models_filter_on_are_groups_of_the_code_list():
    groups = {r.group for r in codes.TABLE3_ROWS}
    named, outcome_lists = set(), []
    for model in (DBT_PROJECT_DIR / "models").rglob("*.sql"):
        sql = model.read_text(encoding="utf-8")
        named |= set(re.findall(r"row_group = '(\w+)'", sql))
        outcome_lists += [set(re.findall(r"'(\w+)'", found)) for found in re.findall(r"row_group in \(([^)]*)\)", sql)]
    assert named and named <= groups
    # A list of groups in SQL is the outcome rows, all of them (the outcome sum is the parser's).
    assert all(found == set(codes.OUTCOME_GROUPS) for found in outcome_lists)
