"""The identity mapping's data: name rules, functional zones and overrides, each a CSV among the
dbt seeds (so the warehouse shows them too), read here and nowhere else.

A change to any of them, or to the resolver's code, changes the mapping version, which every
resolved row records: rows of an older mapping are resolved again.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from orchestration import settings
from orchestration.parsing import regions

SEEDS_DIR = settings.DBT_PROJECT_DIR / "seeds"
NAME_RULES = "agency_name_rules.csv"
ZONES = "agency_zones.csv"
OVERRIDES = "agency_overrides.csv"
_KINDS = ("alias", "government", "zone", "township", "township_organ", "generic_place", "national", "other")
_CODE = Path(__file__).parent


@dataclass(frozen=True)
class Override:
    """Reports whose agency name reads `printed_name` (and, when given, whose place resolved to
    or report region is `region_code`) belong to `agency_key`; `level` and `parent_key`, when
    given, replace what the rules decided for that agency."""

    printed_name: str
    region_code: str | None
    agency_key: str
    level: str | None
    parent_key: str | None
    note: str


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


@dataclass(frozen=True, eq=False)  # hashed by identity: the resolver caches per mapping
class Mapping:
    """The compiled rules. `Mapping.load()` reads the seeds folder."""

    aliases: tuple[tuple[re.Pattern, str], ...]
    patterns: dict[str, re.Pattern]  # by kind, of the rules that only match
    zones: dict[str, str]  # zone name → region code of the division it lies in
    overrides: tuple[Override, ...]
    version: str

    @classmethod
    def load(cls, seeds_dir: Path = SEEDS_DIR) -> Mapping:
        rules = _rows(seeds_dir / NAME_RULES)
        unknown = sorted({r["kind"] for r in rules} - set(_KINDS))
        if unknown:
            raise ValueError(f"{NAME_RULES}: unknown rule kinds {unknown} (known: {', '.join(_KINDS)})")
        aliases = tuple((re.compile(r["pattern"]), r["replacement"]) for r in rules if r["kind"] == "alias")
        patterns = {
            kind: re.compile("|".join(f"(?:{r['pattern']})" for r in rules if r["kind"] == kind) or r"(?!)")
            for kind in _KINDS
            if kind != "alias"
        }
        zones = {r["zone"]: r["region_code"] for r in _rows(seeds_dir / ZONES)}
        overrides = tuple(
            Override(
                r["printed_name"],
                r["region_code"] or None,
                r["agency_key"],
                r["level"] or None,
                r["parent_key"] or None,
                r["note"],
            )
            for r in _rows(seeds_dir / OVERRIDES)
        )
        digest = hashlib.sha256()
        for path in (
            *(seeds_dir / name for name in (NAME_RULES, ZONES, OVERRIDES)),
            *sorted(_CODE.glob("*.py")),
            Path(regions.__file__),
        ):
            digest.update(path.read_bytes())
        return cls(aliases, patterns, zones, overrides, digest.hexdigest()[:12])

    @cached_property
    def zone_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.zones, key=len, reverse=True))
