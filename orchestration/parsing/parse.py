"""One report file → ParseResult. Never raises for bad input: failures become status "error"."""

from __future__ import annotations

import hashlib
import os

from . import classify, sections
from .checks import evaluate_checks, table3_outcome_layout
from .cleaning import clean, clean_cells
from .metadata import extract_metadata, year_reported_by_annual_report
from .metrics import extract_metrics
from .model import ParseResult, TableCell
from .reading import DEFAULT_MAX_BYTES, ReadError, read_document, too_large_reason
from .tables import extract_tables


def _grid_text(grids: list[list[list[str]]]) -> str:
    return "\n".join(cell for grid in grids for row in grid for cell in row)


def _without_numbers(cells: list[TableCell]) -> list[TableCell]:
    """A template's cells hold placeholders: keep the cells, never their values."""
    return [TableCell(c.table, c.row, c.column, None, c.raw) for c in cells]


def _parse(result: ParseResult, data: bytes) -> None:
    document = read_document(data, result.file)
    result.format, result.encoding = document.format, document.encoding
    result.flags += document.flags
    cleaned = clean(document.text)
    # Grid cells go through the same cleaning as the running text (NFKC, script, mojibake).
    grids = clean_cells(document.grids, cleaned.script)
    result.script = cleaned.script
    result.repairs += cleaned.repairs
    result.flags += cleaned.flags
    meta = extract_metadata(cleaned.lines, cleaned.text.splitlines())
    all_text = result.text = cleaned.text + "\n" + _grid_text(grids)
    result.doc_type = classify.doc_type(meta.title, all_text)
    result.is_template = classify.is_template(all_text)
    # A template's year is a placeholder: the date it was shared on says nothing about it.
    if meta.report_year is None and result.doc_type == "annual_report" and not result.is_template:
        meta.report_year = year_reported_by_annual_report(meta.publish_date)
    result.title, result.agency, result.region = meta.title, meta.agency, meta.region
    result.report_year, result.publish_date = meta.report_year, meta.publish_date

    tables = extract_tables(cleaned.text, grids)
    result.layout = classify.layout(result.doc_type, all_text, meta.report_year, tables.layout_hint)
    result.repairs += tables.repairs
    result.flags += tables.flags
    result.table3_outcome_layout = table3_outcome_layout(tables.rows.get(3, set()), result.layout)
    result.sections, out_of_order = sections.locate(cleaned.text)
    if result.is_template:
        result.cells = _without_numbers(tables.cells)
        return
    result.cells = tables.cells
    result.metrics = extract_metrics(cleaned.text)
    if tables.cells:
        result.checks = evaluate_checks(tables.cells, result.layout, tables.rows)
    result.checks += sections.evaluate(result.sections, out_of_order, result.doc_type, result.layout, result.agency)


def parse_bytes(data: bytes, file_name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParseResult:
    result = ParseResult(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    reason = too_large_reason(len(data), max_bytes)
    try:
        if reason:
            raise ReadError(reason)
        _parse(result, data)
    except ReadError as exc:
        return ParseResult(file=file_name, sha256=result.sha256, status="error", error=str(exc), format=result.format)
    except MemoryError:  # over the worker's memory budget: the parse pool quarantines the file as such
        raise
    except Exception as exc:  # a parser bug must not stop a batch: report it on this file
        return ParseResult(
            file=file_name,
            sha256=result.sha256,
            status="error",
            format=result.format,
            error=f"the parser failed on this file ({type(exc).__name__}: {exc})",
        )
    return result


def parse_file(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParseResult:
    name = os.fspath(path)
    try:
        size = os.stat(name).st_size
        reason = too_large_reason(size, max_bytes)
        if reason:
            # Not read at all, so no hash of the content: the error says why.
            return ParseResult(file=name, sha256="", status="error", error=reason)
        with open(name, "rb") as f:
            data = f.read()
    except OSError as exc:
        return ParseResult(
            file=name, sha256="", status="error", error=f"the file cannot be opened ({exc.strerror or exc})"
        )
    return parse_bytes(data, name, max_bytes=max_bytes)
