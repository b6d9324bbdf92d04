"""Run a suite: query DuckDB, validate the DataFrame with Great Expectations, summarise.

GX is validated on pandas DataFrames, not through its SQL data source: over DuckDB that source
reported failures on passing data (see the stack pitfalls note). The GX import costs ~3 s, so it
happens on first use, and one ephemeral context serves every suite run in the process.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from orchestration.quality.suites import Suite
from orchestration.warehouse import duck

MAX_FAILING_ROWS = 20
# SUMMARY keeps results small (the data docs render them) while still listing the index of up to
# MAX_FAILING_ROWS unexpected rows per expectation, which is how failing rows are found.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_FAILING_ROWS}
DATASOURCE_NAME = "duckdb_queries"
BATCH_DEFINITION_NAME = "whole_dataframe"

# GX contexts and data sources are not documented as thread-safe; checks run in threads in some
# Dagster executors, so validation is serialised (it takes milliseconds per suite).
_GX_LOCK = threading.Lock()


@dataclass(frozen=True)
class ExpectationOutcome:
    type: str
    kwargs: dict[str, Any]
    success: bool
    unexpected_count: int | None
    observed_value: Any


@dataclass
class SuiteResult:
    suite: str
    asset: str
    severity: str
    passed: bool
    evaluated: int
    failing_rows: list[dict[str, Any]]
    expectations: list[ExpectationOutcome]
    summary: str
    # The GX ExpectationSuiteValidationResult, kept for data docs; None when there was no row.
    gx_result: Any = field(default=None, repr=False, compare=False)


@cache
def gx_context():
    """The process-wide ephemeral GX context, created (and GX imported) on first call."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return context


def _batch_definition(suite_name: str):
    """The whole-dataframe batch definition of the suite's GX asset, added on first use."""
    sources = gx_context().data_sources
    try:
        source = sources.get(DATASOURCE_NAME)
    except KeyError:
        source = sources.add_pandas(DATASOURCE_NAME)
    try:
        asset = source.get_asset(suite_name)
    except LookupError:
        asset = source.add_dataframe_asset(suite_name)
    try:
        return asset.get_batch_definition(BATCH_DEFINITION_NAME)
    except KeyError:
        return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)


def build_gx_suite(suite: Suite):
    """The GX ExpectationSuite of a Suite; GX validates the kwargs here (pydantic)."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    gx_context()  # GX is imported with analytics off
    return gx.ExpectationSuite(
        name=suite.name,
        expectations=[
            ExpectationConfiguration(type=e.type, kwargs=dict(e.kwargs)).to_domain_obj() for e in suite.expectations
        ],
    )


def read_frame(query: str, con_or_path: duckdb.DuckDBPyConnection | Path | str) -> pd.DataFrame:
    """Run the query; a path gets its own read-only connection, closed at once so the writer
    (dbt, the next asset) is not blocked by this check."""
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        return con_or_path.execute(query).df()
    with duck.connect(con_or_path, read_only=True) as con:
        return con.execute(query).df()


def plain(value: Any) -> Any:
    """A JSON-friendly Python value for one DataFrame cell (Dagster metadata, logs)."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def failing_rows(df: pd.DataFrame, gx_result, limit: int = MAX_FAILING_ROWS) -> list[dict]:
    """The rows that failed any expectation, in query order, as plain dicts.

    GX reports failing rows of column expectations by DataFrame index (the query returns a
    fresh RangeIndex); table-level expectations name no rows and add none here.
    """
    indexes: set = set()
    for outcome in gx_result.results:
        if not outcome.success:
            indexes.update((outcome.result or {}).get("partial_unexpected_index_list") or [])
    picked = df.loc[df.index.isin(indexes)].head(limit)
    return [{col: plain(v) for col, v in row.items()} for row in picked.to_dict("records")]


def _outcome(result) -> ExpectationOutcome:
    config = result.expectation_config
    details = result.result or {}
    return ExpectationOutcome(
        type=config.type,
        kwargs={k: plain(v) for k, v in config.kwargs.items()},
        success=bool(result.success),
        unexpected_count=details.get("unexpected_count"),
        observed_value=plain(details.get("observed_value")),
    )


def _describe(outcome: ExpectationOutcome) -> str:
    columns = [outcome.kwargs[k] for k in ("column", "column_A", "column_B") if k in outcome.kwargs]
    target = f"({', '.join(map(str, columns))})" if columns else ""
    if outcome.unexpected_count is not None:
        rows = "row" if outcome.unexpected_count == 1 else "rows"
        return f"{outcome.type}{target} fails on {outcome.unexpected_count} {rows}"
    return f"{outcome.type}{target} fails, observed {outcome.observed_value}"


def summarise(suite: Suite, evaluated: int, outcomes: list[ExpectationOutcome]) -> str:
    if evaluated == 0:
        return f"{suite.title}: nothing to assess (0 rows)."
    failed = [o for o in outcomes if not o.success]
    if not failed:
        return f"{suite.title}: holds on all {evaluated} rows."
    return f"{suite.title}: {evaluated} rows assessed; " + "; ".join(map(_describe, failed)) + "."


def run_suite(suite: Suite, con_or_path: duckdb.DuckDBPyConnection | Path | str) -> SuiteResult:
    """Validate the suite's query result. Query errors propagate: a missing table is a broken
    pipeline, not a finding."""
    df = read_frame(suite.query, con_or_path)
    if df.empty:
        # No row means nothing to assess, which passes; GX is not even needed.
        return SuiteResult(suite.name, suite.asset, suite.severity, True, 0, [], [], summarise(suite, 0, []))
    with _GX_LOCK:
        batch = _batch_definition(suite.name).get_batch(batch_parameters={"dataframe": df})
        gx_result = batch.validate(build_gx_suite(suite), result_format=RESULT_FORMAT)
    outcomes = [_outcome(r) for r in gx_result.results]
    return SuiteResult(
        suite=suite.name,
        asset=suite.asset,
        severity=suite.severity,
        passed=bool(gx_result.success),
        evaluated=len(df),
        failing_rows=failing_rows(df, gx_result),
        expectations=outcomes,
        summary=summarise(suite, len(df), outcomes),
        gx_result=gx_result,
    )
