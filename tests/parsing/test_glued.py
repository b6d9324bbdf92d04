"""Glued digit runs: split under the table's arithmetic, or reported ambiguous, never guessed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from benchmarks.printed import t3_outcomes
from orchestration.parsing.checks import table3_rules
from orchestration.parsing.glued import resolve_rows, split_totalled
from orchestration.parsing.tables import extract_tables

from . import table_fixtures as fx


def test_the_brief_example():
    assert split_totalled(["801000081"], 1, 7) == [(80, 1, 0, 0, 0, 0, 81)]


def test_all_zero_row():
    assert split_totalled(["0000000"], 1, 7) == [(0,) * 7]


def test_leading_zero_parts_are_not_numbers():
    # 1|0|0|0|0|0|01 would add up, but "01" is not a cell.
    assert split_totalled(["10000001"], 1, 7) == []
    assert split_totalled(["1000001"], 1, 7) == [(1, 0, 0, 0, 0, 0, 1)]


def test_every_consistent_split_is_returned():
    assert split_totalled(["102122219"], 1, 7) == [(1, 0, 2, 12, 2, 2, 19), (10, 2, 1, 2, 2, 2, 19)]


def test_separators_the_source_had_are_kept():
    # A separation is a sure cut; a piece never spans it.
    assert split_totalled(["1021", "22219"], 1, 7) == [(10, 2, 1, 2, 2, 2, 19)]
    assert split_totalled(["1", "02122219"], 1, 7) == [(1, 0, 2, 12, 2, 2, 19)]
    assert split_totalled(["8", "01000081"], 1, 7) == []  # would need the piece "01"


def test_table4_groups_each_sum_to_their_total():
    assert split_totalled(["12014011023001215"], 3, 5) == [(1, 2, 0, 1, 4, 0, 1, 1, 0, 2, 3, 0, 0, 12, 15)]


def test_resolve_rows_uses_the_column_rules():
    report = fx.known_report("2021")
    rules = table3_rules("2021")
    truth = {(3, code, col): v for code, values in report.table3.items() for col, v in zip(fx.T3_COLUMNS, values)}
    # Pretend granted was glued and could be read two ways; the outcome sums decide.
    wrong = (13, 3, 0, 1, 2, 0, 19)
    right = tuple(report.table3["granted"])
    known = {k: v for k, v in truth.items() if k[1] != "granted"}
    assert resolve_rows(lambda: known, {"granted": [wrong, right]}, fx.T3_COLUMNS, rules) == {"granted": right}
    # With total_handled unknown too, nothing tells them apart: the row stays unsettled.
    known = {k: v for k, v in known.items() if k[1] != "total_handled"}
    assert resolve_rows(lambda: known, {"granted": [wrong, right]}, fx.T3_COLUMNS, rules) == {}


def _report_with(
    outcomes: dict[str, list[int]], carried_over: list[int], carried_forward: list[int], layout: str = "2021"
) -> fx.Report:
    rows = {code: outcomes.get(code, [0] * 6) for code in t3_outcomes(layout)}
    table3 = fx.table3_from_outcomes(rows, carried_over, carried_forward)
    return fx.Report(layout, fx.T2_2021 if layout == "2021" else fx.T2_2019, table3, fx.known_report(layout).table4)


def _glue_rows(report: fx.Report, codes: set[str]) -> str:
    """The space-separated rendering with the numbers of the rows `codes` glued together."""
    labels = {code: label for _, label, code in fx.t3_printed_rows(report.layout)}
    lines = fx.space_separated(report).split("\n")
    for i, line in enumerate(lines):
        code = next((c for c in codes if line.endswith(f"{labels[c]} {' '.join(report.t3_raw(c))}")), None)
        if code is not None:
            lines[i] = line.replace(" ".join(report.t3_raw(code)), "".join(report.t3_raw(code)))
    return "\n".join(lines)


def test_a_row_ambiguous_alone_is_settled_by_the_other_rows():
    report = _report_with({"granted": [1, 0, 2, 12, 2, 2]}, [0] * 6, [0] * 6)
    result = extract_tables(_glue_rows(report, {"granted"}), [])
    granted = [(c.value, c.raw) for c in result.cells if c.table == 3 and c.row == "granted"]
    assert granted == [(v, "102122219") for v in (1, 0, 2, 12, 2, 2, 19)]
    assert result.repairs == ["glued_digits_split"] and result.flags == []


def test_rows_the_arithmetic_cannot_tell_apart_are_reported_not_guessed():
    # Two rows printing the same run: swapping their readings keeps every rule true.
    report = _report_with(
        {"granted": [1, 0, 2, 12, 2, 2], "not_handled_repeated": [10, 2, 1, 2, 2, 2]}, [0] * 6, [0] * 6
    )
    result = extract_tables(_glue_rows(report, {"granted", "not_handled_repeated"}), [])
    rows = {c.row for c in result.cells if c.table == 3}
    assert "granted" not in rows and "not_handled_repeated" not in rows
    assert len(rows) == 23
    assert result.flags == [
        "glued_digits_ambiguous:table3.granted=2",
        "glued_digits_ambiguous:table3.not_handled_repeated=2",
    ]
    assert result.repairs == []


_COUNT = st.one_of(st.just(0), st.integers(0, 12), st.integers(10, 2500))
_SIX = st.lists(_COUNT, min_size=6, max_size=6)


@st.composite
def _valid_table3(draw):
    layout = draw(st.sampled_from(("2021", "2019")))
    outcomes = {code: draw(_SIX) for code in t3_outcomes(layout)}
    handled = [sum(col) for col in zip(*outcomes.values())]
    carried_forward = draw(_SIX)
    carried_over = [draw(st.integers(0, h + f)) for h, f in zip(handled, carried_forward)]
    return _report_with(outcomes, carried_over, carried_forward, layout)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_valid_table3())
def test_glued_valid_tables_are_split_exactly_or_reported(report):
    text = _glue_rows(report, set(report.table3))
    result = extract_tables(text, [])
    read = {(c.row, c.column): c.value for c in result.cells if c.table == 3}
    truth = {(code, col): v for code, values in report.table3.items() for col, v in zip(fx.T3_COLUMNS, values)}
    for key, value in read.items():
        assert truth[key] == value  # never split wrongly
    missing_rows = {row for row, _ in truth} - {row for row, _ in read}
    if missing_rows:
        assert any(f.startswith("glued_digits_ambiguous:") for f in result.flags)
    else:
        assert read == truth


@st.composite
def _valid_table4(draw):
    groups = {}
    for group in fx.T4_GROUPS:
        parts = [draw(_COUNT) for _ in range(4)]
        groups[group] = [*parts, sum(parts)]
    return groups


@settings(max_examples=80, deadline=None)
@given(_valid_table4())
def test_glued_valid_table4_is_split_exactly_or_reported(table4):
    base = fx.known_report("2021")
    report = fx.Report("2021", base.table2, base.table3, table4)
    result = extract_tables(fx.space_separated(report, glue=True), [])
    read = {(c.row, c.column): c.value for c in result.cells if c.table == 4}
    truth = {(g, col): v for g, values in table4.items() for col, v in zip(fx.T4_COLUMNS, values)}
    assert read == {key: truth[key] for key in read}  # never split wrongly
    if read != truth:  # only the groups every split agrees on are kept, and the rest is flagged
        assert any(f.startswith("glued_digits_ambiguous:") for f in result.flags)
