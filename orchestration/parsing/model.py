"""The parser's result types. Their `to_dict()` forms are the JSON of docs/parse-output.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 4x, and a report has 200 cells
class TableCell:
    """One cell of Table 2, 3 or 4. For Table 4 `row` holds the group code. Never changed once
    made: reports that print a Table 3 row alike share its cells."""

    table: int  # 2, 3 or 4
    row: str
    column: str
    value: int | float | None  # None: present in the report but not filled ("/", "—", blank)
    raw: str  # the cell's text exactly as it stood

    def to_dict(self) -> dict:
        key = "group" if self.table == 4 else "row"
        return {key: self.row, "column": self.column, "value": self.value, "raw": self.raw}


@dataclass(frozen=True)
class Metric:
    name: str  # from the documented vocabulary in metrics.py
    value: int | float
    unit: str | None
    evidence: str  # the sentence it came from

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True, frozen=True)  # frozen: reports with equal cells share one (checks.evaluate_rule)
class Check:
    rule: str
    scope: str  # what of the report the rule was assessed on: a column, row, group or table
    status: str  # pass | fail | not_assessable
    detail: str
    # The two sides the rule compares (sums of cells; for non_negative_counts the smallest number
    # and 0); None when not assessable.
    lhs: int | float | None = None
    rhs: int | float | None = None

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "scope": self.scope,
            "status": self.status,
            "detail": self.detail,
            "lhs": self.lhs,
            "rhs": self.rhs,
        }


@dataclass(frozen=True)
class Section:
    """One of the six sections of a 2019/2021-layout report, as found in the cleaned text."""

    number: int  # 1..6: 一、总体情况 … 六、其他需要报告的事项
    heading: str  # as printed
    text: str  # everything between this heading and the next section's (or the end of the text)


@dataclass(frozen=True)
class Region:
    province: str | None
    city: str | None
    county: str | None
    code: str | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TablesResult:
    """What the table extractor read from one document."""

    cells: list[TableCell] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    layout_hint: str | None = None  # "2021" | "2019" when the tables show it
    # The row codes read per table (Table 4: its groups), which the layout and the checks ask for.
    rows: dict[int, set[str]] = field(default_factory=dict)


@dataclass
class ParseResult:
    file: str
    sha256: str
    status: str = "ok"
    error: str | None = None
    format: str | None = None
    encoding: str | None = None
    script: str | None = None
    doc_type: str | None = None
    layout: str | None = None
    # Which outcome rows (七)总计 sums, "2021" (21) or "2019" (19); None without a Table 3.
    table3_outcome_layout: str | None = None
    is_template: bool = False
    title: str | None = None
    agency: str | None = None
    region: Region | None = None
    report_year: int | None = None
    publish_date: str | None = None  # YYYY-MM-DD
    cells: list[TableCell] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # The cleaned text every value was read from (running text, then the table cells one per
    # line): lets a reader verify that no number was invented. Not part of the JSON.
    text: str = field(default="", repr=False)
    # The six sections found in the cleaned running text, in order (parsing/sections.py). Not part
    # of the JSON either: the warehouse stores them (parsed.report_sections).
    sections: tuple[Section, ...] = field(default=(), repr=False)

    def table(self, number: int) -> list[TableCell]:
        return [c for c in self.cells if c.table == number]

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "error": self.error,
            "file": self.file,
            "sha256": self.sha256,
            "format": self.format,
            "encoding": self.encoding,
            "script": self.script,
            "doc_type": self.doc_type,
            "layout": self.layout,
            "table3_outcome_layout": self.table3_outcome_layout,
            "is_template": self.is_template,
            "title": self.title,
            "agency": self.agency,
            "region": self.region.to_dict() if self.region else None,
            "report_year": self.report_year,
            "publish_date": self.publish_date,
            "table2": [c.to_dict() for c in self.table(2)],
            "table3": [c.to_dict() for c in self.table(3)],
            "table4": [c.to_dict() for c in self.table(4)],
            "metrics": [m.to_dict() for m in self.metrics],
            "repairs": list(self.repairs),
            "flags": list(self.flags),
            "checks": [c.to_dict() for c in self.checks],
        }
