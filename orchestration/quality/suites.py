"""Great Expectations suites as files: load and validate them without importing GX.

A suite file (YAML or JSON) under expectations/ holds one suite:

    name: unique_report_keys                 # slug = file name: GX suite/asset name, data docs path
    title: Report keys in dim_report are present and unique
    asset: marts/dim_report                  # Dagster asset key, "/"-separated
    severity: error                          # warn = a report breaks a rule; error = pipeline broken
    query: |                                 # DuckDB SQL yielding the DataFrame to validate
      select report_id from marts.dim_report
    expectations:                            # GX 1.x expectation types (snake_case) and kwargs
      - type: expect_column_values_to_be_unique
        kwargs: {column: report_id}

or, for a kind of rule assessed the same way rule by rule, one suite per entry of `rules`: the
query names the rule as `{rule}`, and each entry gives its suite's name and title (and may
override the file's severity). Every suite becomes its own Dagster check, named after it.

    name: report_quality_rules               # the kind; names the file, not a suite
    asset: marts/report_quality
    severity: warn
    query: |
      select ... from marts.report_quality where rule = '{rule}' ...
    expectations: [...]
    rules:
      - {name: table3_balance, title: Table 3 balance holds per applicant column}

Loading happens when Dagster builds its definitions, so it must stay cheap: GX (~3 s to import)
is not imported here. Expectation types are still checked against the installed GX so that a typo
fails at load rather than at the first check run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SEVERITIES = frozenset({"warn", "error"})
SUITE_SUFFIXES = frozenset({".yml", ".yaml", ".json"})
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Where a file of rules names the rule in its query.
RULE_PLACEHOLDER = "{rule}"


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
    file: str  # the file it was loaded from, under expectations/ (a file of rules holds several)

    @property
    def fingerprint(self) -> str:
        """What decides its result on given tables (severity, query, expectations), hashed: an
        unchanged fingerprint on unchanged tables gives the same result."""
        spec = [self.severity, self.query, [(e.type, dict(e.kwargs)) for e in self.expectations]]
        return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


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


def _name(doc: Mapping, path: Path) -> str:
    name = _require_text(doc, "name", path)
    if not _NAME.match(name):
        raise SuiteFileError(f"{path}: name {name!r} must be a lower-case slug")
    return name


def _severity(doc: Mapping, path: Path) -> str:
    severity = _require_text(doc, "severity", path)
    if severity not in SEVERITIES:
        raise SuiteFileError(f"{path}: severity {severity!r} is not one of {sorted(SEVERITIES)}")
    return severity


def parse_suites(doc: object, path: Path) -> tuple[Suite, ...]:
    """Check one parsed suite file and turn it into its suites: one, or one per rule."""
    if not isinstance(doc, Mapping):
        raise SuiteFileError(f"{path}: a suite file must hold a mapping")
    name = _name(doc, path)
    # A suite, or a kind of rule, is found by its file's name: expectations/<name>.yml.
    if name != path.stem:
        raise SuiteFileError(f"{path}: the file must be named after its suite, {name!r}")
    severity = _severity(doc, path)
    asset = _require_text(doc, "asset", path)
    query = _require_text(doc, "query", path)
    items = doc.get("expectations")
    if not isinstance(items, list) or not items:
        raise SuiteFileError(f"{path}: 'expectations' must be a non-empty list")
    expectations = tuple(_parse_expectation(item, path) for item in items)
    if "rules" not in doc:
        return (Suite(name, _require_text(doc, "title", path), asset, severity, query, expectations, path.name),)
    rules = doc["rules"]
    if not isinstance(rules, list) or not rules or not all(isinstance(rule, Mapping) for rule in rules):
        raise SuiteFileError(f"{path}: 'rules' must be a non-empty list of mappings (name, title)")
    if RULE_PLACEHOLDER not in query:
        raise SuiteFileError(f"{path}: the query of a file of rules must name the rule as {RULE_PLACEHOLDER}")
    return tuple(
        Suite(
            name=_name(rule, path),
            title=_require_text(rule, "title", path),
            asset=asset,
            severity=_severity(rule, path) if "severity" in rule else severity,
            query=query.replace(RULE_PLACEHOLDER, rule["name"]),
            expectations=expectations,
            file=path.name,
        )
        for rule in rules
    )


def load_suite_file(path: Path) -> tuple[Suite, ...]:
    # JSON is a subset of YAML, so one reader serves both suffixes.
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SuiteFileError(f"{path}: not valid YAML/JSON: {exc}") from exc
    return parse_suites(doc, path)


def load_suites(folder: Path | str) -> list[Suite]:
    """Every suite of the files in `folder`, sorted by file name; names must be unique."""
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix in SUITE_SUFFIXES)
    suites = [suite for p in paths for suite in load_suite_file(p)]
    names = [s.name for s in suites]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SuiteFileError(f"{folder}: suite names used twice: {duplicates}")
    return suites
