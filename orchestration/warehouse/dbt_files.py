"""The dbt project files written from the Python declarations, so that dbt reads the lists the
Python steps use: the seeds of codes from orchestration/parsing/codes.py, and the sources of the
staging models from tables.py. `govreports generate` writes them (`make generate`); a test holds
the committed files to what it writes.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import yaml

from orchestration.parsing import codes
from orchestration.warehouse import tables

SOURCES_YML = Path("models/staging/_sources.yml")


def _csv(header: tuple[str, ...], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([str(v).lower() if isinstance(v, bool) else v for v in row] for row in rows)
    return out.getvalue()


def _table2_items():
    for layout in codes.LAYOUTS:
        order = itertools.count(1)  # position within the layout's table
        for block in (b for b in codes.TABLE2_BLOCKS if b.layout == layout):
            for (row, row_label), (column, column_label) in itertools.product(block.rows, block.columns):
                yield (
                    layout,
                    row,
                    column,
                    block.item,
                    row_label,
                    column_label,
                    codes.TABLE2_AMOUNT_KINDS.get(column, "count"),
                    column in codes.TABLE2_SIGNED_COLUMNS,
                    next(order),
                )


def seeds() -> dict[str, str]:
    """Seed name → its CSV."""
    return {
        "table3_rows": _csv(
            ("row_code", "label_zh", "row_group", "sort_order", "layouts"),
            ((r.code, r.label, r.group, r.order, "|".join(sorted(r.layouts))) for r in codes.TABLE3_ROWS),
        ),
        "table3_columns": _csv(
            ("column_code", "label_zh", "column_group", "sort_order", "is_total"),
            # A column printed under no heading (自然人, 总计) is a group of its own.
            (
                (c.code, c.label, c.group or c.code, c.order, c.code not in codes.TABLE3_APPLICANT_COLUMNS)
                for c in codes.TABLE3_COLUMNS
            ),
        ),
        "table2_items": _csv(
            (
                "layout",
                "row_code",
                "column_code",
                "group_label_zh",
                "row_label_zh",
                "column_label_zh",
                "value_kind",
                "may_be_negative",
                "sort_order",
            ),
            _table2_items(),
        ),
        "table4_columns": _csv(
            ("group_code", "group_label_zh", "column_code", "column_label_zh", "sort_order"),
            (
                (g.code, g.label, c.code, c.label, order)
                for order, (g, c) in enumerate(itertools.product(codes.TABLE4_GROUPS, codes.TABLE4_COLUMNS), start=1)
            ),
        ),
    }


def _described(entry: dict, description: str) -> dict:
    return {**entry, "description": description} if description else entry


def sources_yml() -> str:
    sources = [
        {
            "name": schema,
            "description": description,
            "schema": schema,
            "tables": [
                {
                    "name": t.name,
                    "description": t.description,
                    "meta": {"dagster": {"asset_key": [t.asset_key]}},
                    "columns": [_described({"name": c.name, "data_type": c.type}, c.description) for c in t.columns],
                }
                for t in tables.SOURCES
                if t.schema == schema
            ],
        }
        for schema, description in tables.SCHEMAS.items()
    ]
    body = yaml.safe_dump({"version": 2, "sources": sources}, sort_keys=False, allow_unicode=True, width=1000)
    return (
        "# Written by `govreports generate` from orchestration/warehouse/tables.py: edit that, not this file.\n" + body
    )


def files() -> dict[Path, str]:
    """Path within the dbt project → the text it should hold."""
    return {SOURCES_YML: sources_yml(), **{Path("seeds") / f"{name}.csv": text for name, text in seeds().items()}}


def stale(project_dir: Path) -> list[Path]:
    """The generated files of the dbt project at `project_dir` that differ from what they should hold."""
    return [
        path
        for path, text in files().items()
        if not (project_dir / path).exists() or (project_dir / path).read_text(encoding="utf-8") != text
    ]


def write(project_dir: Path) -> list[Path]:
    """Write the generated files that differ; returns them."""
    changed = stale(project_dir)
    wanted = files()
    for path in changed:
        (project_dir / path).write_text(wanted[path], encoding="utf-8")
    return changed
