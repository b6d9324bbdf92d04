"""Great Expectations suites as files: load and validate them without importing GX.

A suite file (YAML or JSON, one suite per file) under expectations/ looks like:

    name: table3_balance                     # slug: GX suite/asset name, data docs path
    title: Table 3 balance holds per applicant column
    asset: marts/report_quality              # Dagster asset key, "/"-separated
    severity: warn                           # warn = a report breaks a rule; error = pipeline broken
    query: |                                 # DuckDB SQL yielding the DataFrame to validate
      select report_id, scope, lhs, rhs from marts.report_quality where ...
    expectations:                            # GX 1.x expectation types (snake_case) and kwargs
      - type: expect_column_pair_values_to_be_equal
        kwargs: {column_A: lhs, column_B: rhs}

Loading happens when Dagster builds its definitions, so it must stay cheap: GX (~3 s to import)
is not imported here. Expectation types are still checked against the installed GX so that a typo
fails at load rather than at the first check run.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SEVERITIES = frozenset({"warn", "error"})
SUITE_SUFFIXES = frozenset({".yml", ".yaml", ".json"})
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class SuiteFileError(ValueError):
    """A suite file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class ExpectationSpec:
    type: str
    kwargs: Mapping[str, object]


@dataclass(frozen=True)
class Suite:
    name: str
    title: str
    asset: str
    severity: str
    query: str
    expectations: tuple[ExpectationSpec, ...]


@cache
def known_expectation_types() -> frozenset[str]:
    """Core expectation types of the installed GX, read from its file names.

    find_spec on a top-level package locates it without executing it, so this costs a directory
    listing instead of the GX import. GX names each core expectation module after its type.
    """
    spec = importlib.util.find_spec("great_expectations")
    if spec is None or not spec.submodule_search_locations:
        raise SuiteFileError("great_expectations is not installed")
    core = Path(next(iter(spec.submodule_search_locations))) / "expectations" / "core"
    return frozenset(p.stem for p in core.glob("expect_*.py"))


def _require_text(doc: Mapping, key: str, path: Path) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SuiteFileError(f"{path}: '{key}' must be a non-empty string")
    return value.strip()


def _parse_expectation(item: object, path: Path) -> ExpectationSpec:
    if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
        raise SuiteFileError(f"{path}: each expectation needs a 'type' and 'kwargs', got {item!r}")
    kwargs = item.get("kwargs", {})
    if not isinstance(kwargs, Mapping):
        raise SuiteFileError(f"{path}: kwargs of {item['type']} must be a mapping")
    if item["type"] not in known_expectation_types():
        raise SuiteFileError(f"{path}: unknown expectation type {item['type']!r}")
    return ExpectationSpec(type=item["type"], kwargs=dict(kwargs))


def parse_suite(doc: object, path: Path) -> Suite:
    """Check one parsed suite document and turn it into a Suite."""
    if not isinstance(doc, Mapping):
        raise SuiteFileError(f"{path}: a suite file must hold a mapping")
    name = _require_text(doc, "name", path)
    if not _NAME.match(name):
        raise SuiteFileError(f"{path}: name {name!r} must be a lower-case slug")
    severity = _require_text(doc, "severity", path)
    if severity not in SEVERITIES:
        raise SuiteFileError(f"{path}: severity {severity!r} is not one of {sorted(SEVERITIES)}")
    expectations = doc.get("expectations")
    if not isinstance(expectations, list) or not expectations:
        raise SuiteFileError(f"{path}: 'expectations' must be a non-empty list")
    return Suite(
        name=name,
        title=_require_text(doc, "title", path),
        asset=_require_text(doc, "asset", path),
        severity=severity,
        query=_require_text(doc, "query", path),
        expectations=tuple(_parse_expectation(item, path) for item in expectations),
    )


def load_suite(path: Path) -> Suite:
    # JSON is a subset of YAML, so one reader serves both suffixes.
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SuiteFileError(f"{path}: not valid YAML/JSON: {exc}") from exc
    suite = parse_suite(doc, path)
    # Checks link to their suite file by name: expectations/<name>.yml.
    if suite.name != path.stem:
        raise SuiteFileError(f"{path}: the file must be named after its suite, {suite.name!r}")
    return suite


def load_suites(folder: Path | str) -> list[Suite]:
    """Every suite file in `folder`, sorted by file name; names must be unique."""
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix in SUITE_SUFFIXES)
    suites = [load_suite(p) for p in paths]
    names = [s.name for s in suites]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SuiteFileError(f"{folder}: suite names used twice: {duplicates}")
    return suites
