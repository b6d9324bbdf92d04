"""The generator's reader of glued runs (benchmarks/readings.py) against the second, hand-made
reading of the real reports (tests/fixtures/real_reports/REVIEW.md), and the corpus against the
reader: every glued run a generated page prints reads back to its ground truth and nothing else."""

import random
import re
from functools import partial

import pytest

from benchmarks import corpus, printed
from benchmarks.accuracy import read_truth
from benchmarks.readings import candidates, readings, totals_hold, unsettled


def test_table3_runs_of_the_real_reports_have_one_split():
    for tokens, cells in (
        (["0", "0", "0", "0", "0", "00"], (0,) * 7),  # 001
        (["20", "0", "0", "0", "02"], (2, 0, 0, 0, 0, 0, 2)),  # 014
        (["2100000", "21"], (21, 0, 0, 0, 0, 0, 21)),  # 007
        (["210000021"], (21, 0, 0, 0, 0, 0, 21)),
        (["100000010"], (10, 0, 0, 0, 0, 0, 10)),
    ):
        assert candidates(tokens, 7, 7) == [cells]


def test_table4_of_003_has_24_splits_and_none_keeps_every_group_total():
    assert len(readings(["00202000001324015"], 15)) == 24
    assert candidates(["00202000001324015"], 15, 5) == []


@pytest.mark.parametrize(
    "run, cells, splits",
    [
        ("13013", 3, 4),
        ("1077", 3, 2),
        ("3500", 3, 2),
        ("2832995", 2, 6),
        ("3705", 3, 2),
        ("109024", 3, 5),
        ("103040", 3, 5),
        ("1024", 3, 2),
        ("121223", 3, 10),
        ("89741888", 3, 21),
        ("7400", 3, 2),
    ],
)
def test_unscored_table2_runs_of_the_real_reports_are_as_ambiguous_as_the_review_found(run, cells, splits):
    assert len(readings([run], cells)) == splits


def test_a_run_with_too_many_readings_is_not_listed():
    assert readings(["1" * 30], 7) is None


def test_column_rules_settle_rows_only_when_one_combination_keeps_them():
    rows = {"a": [(1,), (2,)], "b": [(5,)], "c": [(3,), (4,)]}
    assert unsettled(rows, lambda r: r["a"][0] + r["b"][0] + r["c"][0] == 9) == set()  # 1+5+3 only
    assert unsettled(rows, lambda r: r["a"][0] + r["c"][0] == 5) == {"a", "c"}  # 1+4 and 2+3
    assert unsettled(rows, None) == {"a", "c"}


# ---------------------------------------------------------------- the generator's choice of spacing

AMBIGUOUS = [1, 10, 0, 0, 0, 0, 11]  # glued '110000011', which 11|0|0|0|0|0|11 also fits


def _report(rows: dict[str, list[int]], t4_after_review=(0, 0, 0, 0, 0)) -> corpus.Report:
    t3 = {code: list(rows.get(code, [0] * 7)) for _, _, code in printed.t3_rows("2021")}
    t4 = {g: [0] * 5 for g in printed.T4_GROUPS} | {"litigation_after_review": list(t4_after_review)}
    return corpus.Report("x", None, 2023, "annual_report", "2021", "text_oneline", t3=t3, t4=t4)


def _runs(report: corpus.Report, spaced: tuple[str, ...] = ()) -> dict[str, list[str]]:
    sizes = {code: (1,) * 7 if code in spaced else (7,) for code in report.t3}
    return corpus.t3_runs(report, corpus.style_for(random.Random(0), report), sizes)


def test_rows_no_rule_can_settle_are_printed_spaced():
    report = _report({"new_received": AMBIGUOUS, "granted": AMBIGUOUS, "total_handled": AMBIGUOUS})
    runs = _runs(report)
    for code in ("new_received", "granted", "total_handled"):
        assert runs[code] == ["1", "10", "0", "0", "0", "0", "11"]
    assert runs["carried_over"] == ["0000000"]


def test_rows_the_column_rules_settle_stay_glued():
    report = _report({"new_received": AMBIGUOUS, "granted": AMBIGUOUS, "total_handled": AMBIGUOUS})
    runs = _runs(report, spaced=("new_received",))  # its spaced cells fix (七)总计, which fixes 予以公开
    assert runs["granted"] == runs["total_handled"] == ["110000011"]


def test_a_report_breaking_a_column_rule_gets_no_help_from_it():
    report = _report({"new_received": [2, 10, 0, 0, 0, 0, 12], "granted": AMBIGUOUS, "total_handled": AMBIGUOUS})
    runs = _runs(report, spaced=("new_received",))  # 一 + 二 ≠ 三(七) + 四 in two columns
    assert runs["granted"] == runs["total_handled"] == ["1", "10", "0", "0", "0", "0", "11"]


@pytest.mark.parametrize(
    "group, tokens",
    [
        ((1, 10, 0, 0, 11), ["0"] * 10 + ["1", "10", "0", "0", "11"]),  # 11|0|0|0|11 fits too
        ((2, 10, 0, 0, 12), ["0" * 10 + "2100012"]),  # 21|0|0|0|12 does not add up
    ],
)
def test_table4_is_glued_only_when_its_group_totals_settle_it(group, tokens):
    report = _report({}, t4_after_review=group)
    style = corpus.style_for(random.Random(0), report)
    assert corpus.t4_run(report, style, (15,)) == tokens


# ---------------------------------------------------------------- the generated pages

_RUN = re.compile(r"[-\d ]*\d[-\d ]*\.?")


def _t3_runs(text: str) -> list[list[str]]:
    """A glued page's Table 3 runs in order, as tokens; a run ending in 'N.' lost N to the next
    label's 序号. Rows printed with no digits have no run."""
    region = text[text.index("申请人情况") : text.index("四、政府信息公开")]
    runs = [run[:-2] if run.endswith(".") else run for run in _RUN.findall(region)]
    return [run.split() for run in runs if run.strip()]


def _t4_run(text: str) -> list[str]:
    return re.search(r"总计\s*([\d ]+?)\s*五、存在的主要问题", text).group(1).split()


def _reading(tokens: list[str], count: int, width: int, totalled: bool):
    if all(t.isdigit() for t in tokens):
        return candidates(tokens, count, width if totalled else None)
    return [tuple(int(t) for t in tokens)]  # a sign keeps the row spaced: read as printed


@pytest.fixture(scope="module")
def glued_pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("glued")
    truth = read_truth(corpus.generate(out, 400, 3))
    pages = [
        (t, (out / "landing" / t["file"]).read_text(encoding="utf-8"))
        for t in truth
        if t["form"] in corpus.GLUED_FORMS and t["table3"]
    ]
    assert len(pages) > 50
    return pages


def test_every_glued_table3_run_reads_back_to_the_truth_alone(glued_pages):
    for t, text in glued_pages:
        rows: dict[str, list] = {}
        for cell in t["table3"]:
            rows.setdefault(cell["row"], []).append(cell["value"])
        printed = [code for code, values in rows.items() if any(v is not None for v in values)]
        runs = _t3_runs(text)
        assert len(runs) == len(printed), t["file"]
        found = {code: [(0,) * 7] for code in rows}
        for code, tokens in zip(printed, runs):
            found[code] = _reading(tokens, 7, 7, totals_hold(rows[code], 7))
            assert tuple(rows[code]) in found[code], t["file"]
        values = {code: tuple(v or 0 for v in cells) for code, cells in rows.items()}
        keeps = corpus.t3_columns_hold(values, t["layout"])
        joint_rule = partial(corpus.t3_columns_hold, layout=t["layout"]) if keeps else None
        assert unsettled(found, joint_rule) == set(), t["file"]


def test_every_glued_table4_run_reads_back_to_the_truth_alone(glued_pages):
    for t, text in glued_pages:
        values = tuple(c["value"] for c in t["table4"])
        assert _reading(_t4_run(text), 15, 5, totals_hold(values, 5)) == [values], t["file"]


def test_the_one_line_pages_glue_most_runs_and_keep_some_multi_digit_ones(glued_pages):
    runs = [tokens for t, text in glued_pages if t["form"] == "text_oneline" for tokens in _t3_runs(text)]
    assert sum(len(tokens) < 7 for tokens in runs) > 0.7 * len(runs)
    assert any(len(tokens) < 7 and len("".join(tokens)) > 7 for tokens in runs)


_NUMBER_OR_BLANK = re.compile(r"^(?:-?[\d,]+(?:\.\d+)?|/|—|-|无)$")


def _md_t3_rows(text: str) -> list[tuple[bool, bool]]:
    """(has label cells, has value cells) of each Table 3 markdown row, header rows included."""
    region = text[text.index("三、收到和处理") : text.index("四、政府信息公开")]
    rows = []
    for line in region.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 10:
            rows.append((any(cells[:3]), all(_NUMBER_OR_BLANK.match(c) for c in cells[3:])))
    return rows


def test_every_unlabelled_row_of_values_in_converter_markdown_has_one_owner(tmp_path):
    pages = [
        (t, (tmp_path / "landing" / t["file"]).read_text(encoding="utf-8"))
        for t in read_truth(corpus.generate(tmp_path, 300, 5))
        if t["form"] == "pdf_markdown" and t["table3"]
    ]
    assert pages
    for t, text in pages:
        rows = _md_t3_rows(text)
        for i, (labelled, values) in enumerate(rows):
            if values and not labelled:  # its owner is a neighbouring label that has no values of its own
                owners = [j for j in (i - 1, i + 1) if 0 <= j < len(rows) and rows[j] == (True, False)]
                assert len(owners) == 1, (t["file"], i)
