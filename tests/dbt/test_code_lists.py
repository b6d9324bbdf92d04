"""The dbt seeds of codes (dbt_project/seeds/*.csv) match orchestration/parsing/codes.py."""
from __future__ import annotations

import csv
from pathlib import Path

from orchestration.parsing import codes

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"

# codes.py puts new_received and carried_over in one group "intake" and names the last group
# "carry_forward"; the warehouse keeps one group per Table 3 line item (received, carried) and
# names the last one after its row (carried_forward). Every other group is the same word.
WAREHOUSE_GROUP = {"new_received": "received", "carried_over": "carried", "carried_forward": "carried_forward"}


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_table3_rows_match():
    seed = [(r["row_code"], r["row_group"], int(r["sort_order"]), frozenset(r["layouts"].split("|")))
            for r in read_seed("table3_rows")]
    expected = [(r.code, WAREHOUSE_GROUP.get(r.code, r.group), r.order, frozenset(r.layouts))
                for r in codes.TABLE3_ROWS]
    assert seed == expected


def test_table3_outcome_rows_match():
    outcome_groups = {"granted", "denied", "unavailable", "not_handled", "other"}
    seed = read_seed("table3_rows")
    for layout in codes.LAYOUTS:
        seed_outcomes = tuple(r["row_code"] for r in seed
                              if r["row_group"] in outcome_groups and layout in r["layouts"].split("|"))
        assert seed_outcomes == codes.table3_outcome_codes(layout)


def test_table3_columns_match():
    seed = [(r["column_code"], int(r["sort_order"]), r["is_total"] == "true") for r in read_seed("table3_columns")]
    assert seed == [(c.code, c.order, c.code == "total") for c in codes.TABLE3_COLUMNS]


def test_table2_items_match():
    seed = read_seed("table2_items")
    assert {(r["layout"], r["row_code"], r["column_code"]) for r in seed} == set(codes.TABLE2_CELLS)
    assert len(seed) == len(codes.TABLE2_CELLS)
    assert {r["column_code"] for r in seed if r["may_be_negative"] == "true"} == set(codes.TABLE2_SIGNED_COLUMNS)
    assert {r["column_code"] for r in seed if r["value_kind"] != "count"} == set(codes.TABLE2_DECIMAL_COLUMNS)


def test_table4_columns_match():
    seed = [(r["group_code"], r["column_code"]) for r in read_seed("table4_columns")]
    assert seed == [(g.code, c.code) for g in codes.TABLE4_GROUPS for c in codes.TABLE4_COLUMNS]
