"""Table extraction: the seed report and every input form of one known report give the same cells."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from orchestration.parsing.tables import extract_tables

SEED_002 = Path(__file__).resolve().parents[2] / "data" / "landing" / "002_145dcace6dc924f1.txt"


def _seed_text() -> str:
    # The cleaning module is not under test here: NFKC is the only normalisation seed 002 needs.
    return unicodedata.normalize("NFKC", SEED_002.read_text(encoding="utf-8"))


def test_seed_002_reads_every_cell_as_zero():
    result = extract_tables(_seed_text(), [])
    t2 = [c for c in result.cells if c.table == 2]
    t3 = [c for c in result.cells if c.table == 3]
    t4 = [c for c in result.cells if c.table == 4]
    assert len(t3) == 175 and len({(c.row, c.column) for c in t3}) == 175
    assert len(t4) == 15 and len({(c.row, c.column) for c in t4}) == 15
    assert {(c.row, c.column) for c in t2} == {
        ("regulations", "issued"), ("regulations", "abolished"), ("regulations", "in_force"),
        ("normative_documents", "issued"), ("normative_documents", "abolished"),
        ("normative_documents", "in_force"), ("administrative_licensing", "decisions"),
        ("administrative_penalty", "decisions"), ("administrative_coercion", "decisions"),
        ("administrative_fees", "amount_10k_yuan"),
    }
    assert all(c.value == 0 and c.raw == "0" for c in result.cells)
    assert result.layout_hint == "2021"
    assert result.flags == [] and result.repairs == []


def _cells(result) -> set[tuple]:
    return {(c.table, c.row, c.column, c.value, c.raw) for c in result.cells}
