"""The parser against the corpus's ground truth: how many Table 3 cells and document facts it got right.

A Table 3 cell is right when the parser produced that (row, column) with the same value (null for
an unfilled cell); a cell the parser did not produce counts as wrong. Cells the parser produced
that the report does not have are counted apart (`extra`). Templates carry no cells.

Table 3 is also scored per form (`scored_form`): the rendering a report came in, with "+typos"
when its labels carry misprints, since one form read badly would hide in a high overall share.

CLI, without the pipeline: python -m benchmarks.accuracy OUT_DIR -n 2000 --seed 1
(generates the corpus in OUT_DIR, parses it on every core, prints the scores).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from benchmarks import corpus
from orchestration.parsing import parse_file
from orchestration.parsing.model import ParseResult, TableCell

FACTS = ("doc_type", "layout", "report_year")


@dataclass
class Mismatch:
    file: str
    form: str
    what: str  # "table3" | a fact name
    expected: object
    got: object


@dataclass
class FormScore:
    """Table 3 of the reports of one form that have a Table 3."""

    reports: int = 0
    cells: int = 0
    right: int = 0

    @property
    def share(self) -> float:
        return self.right / self.cells if self.cells else 1.0


def scored_form(truth: dict) -> str:
    """The form a report is scored under: its rendering, plus "+typos" if its labels are misprinted."""
    return truth["form"] + ("+typos" if truth.get("label_typos") else "")


@dataclass
class Accuracy:
    reports: int = 0
    t3_cells: int = 0
    t3_right: int = 0
    t3_extra: int = 0
    facts_right: Counter = field(default_factory=Counter)
    by_form: dict[str, FormScore] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def t3_share(self) -> float:
        return self.t3_right / self.t3_cells if self.t3_cells else 1.0

    def fact_share(self, fact: str) -> float:
        return self.facts_right[fact] / self.reports if self.reports else 1.0

    def worst(self, limit: int = 25) -> str:
        """The files with the most wrong Table 3 cells first, then wrong facts; one line each."""
        per_file = Counter(m.file for m in self.mismatches)
        lines = []
        for name, count in per_file.most_common(limit):
            first = next(m for m in self.mismatches if m.file == name)
            lines.append(
                f"{name} [{first.form}] {count} mismatch(es), e.g. {first.what}: "
                f"expected {first.expected!r}, got {first.got!r}"
            )
        return "\n".join(lines)

    def summary(self) -> str:
        facts = ", ".join(f"{f} {self.fact_share(f):.2%}" for f in FACTS)
        return (
            f"{self.reports} reports; Table 3 cells right {self.t3_right}/{self.t3_cells} "
            f"({self.t3_share:.3%}), {self.t3_extra} extra; {facts}"
        )

    def form_table(self) -> list[str]:
        """Table 3 per form as markdown lines, the worst read first."""
        lines = ["| form | reports | Table 3 cells right | share |", "|---|---:|---:|---:|"]
        for form, s in sorted(self.by_form.items(), key=lambda item: (item[1].share, item[0])):
            lines.append(f"| {form} | {s.reports} | {s.right:,} / {s.cells:,} | {s.share:.3%} |")
        return lines


def read_truth(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _t3(result: ParseResult) -> dict[tuple[str, str], object]:
    return {(c.row, c.column): c.value for c in result.cells if c.table == 3}


def _expected_t3(truth: dict) -> dict[tuple[str, str], object]:
    return {(c["row"], c["column"]): c["value"] for c in truth["table3"]}


def score(pairs: Iterable[tuple[dict, ParseResult]]) -> Accuracy:
    acc = Accuracy()
    for truth, result in pairs:
        acc.reports += 1
        for fact in FACTS:
            got = getattr(result, fact)
            if got == truth[fact]:
                acc.facts_right[fact] += 1
            else:
                acc.mismatches.append(Mismatch(truth["file"], truth["form"], fact, truth[fact], got))
        expected, got = _expected_t3(truth), _t3(result)
        acc.t3_cells += len(expected)
        acc.t3_extra += len(set(got) - set(expected))
        if not expected:
            continue
        form = acc.by_form.setdefault(scored_form(truth), FormScore())
        form.reports += 1
        form.cells += len(expected)
        for key, value in expected.items():
            if key in got and got[key] == value:
                acc.t3_right += 1
                form.right += 1
                continue
            acc.mismatches.append(
                Mismatch(
                    truth["file"], scored_form(truth), f"table3 {key[0]}/{key[1]}", value, got.get(key, "<missing>")
                )
            )
    return acc


def read_back(con: duckdb.DuckDBPyConnection) -> dict[str, ParseResult]:
    """What the warehouse's staging tables hold of each parsed file (by the name it landed with),
    as the parse results `score` reads: the facts and the Table 3 cells."""
    results = {
        sha: ParseResult(file=name, sha256=sha, doc_type=doc_type, layout=layout, report_year=year)
        for sha, name, doc_type, layout, year in con.execute(
            "select sha256, file_name, doc_type, layout, report_year from parsed.reports"
        ).fetchall()
    }
    for sha, row, column, value, raw in con.execute(
        "select sha256, row_code, column_code, value, raw from parsed.table3_cells"
    ).fetchall():
        results[sha].cells.append(TableCell(3, row, column, value, raw))
    return {r.file: r for r in results.values()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy",
        description="Generate a corpus, parse it on every core, score the parser per form.",
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", type=int, default=2000, help="number of report files")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    truth = read_truth(corpus.generate(args.out_dir, args.n, args.seed))
    with ProcessPoolExecutor() as pool:  # one worker per core
        results = list(pool.map(parse_file, [args.out_dir / "landing" / t["file"] for t in truth], chunksize=32))
    acc = score(zip(truth, results))
    print("\n".join([acc.summary(), "", *acc.form_table(), "", "worst:", acc.worst(10)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
