"""Where the pipeline keeps its files. Each path can be moved with an environment variable.

Defaults sit under the project's data/ folder so `make run` works from a fresh clone.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# dbt's profiles.yml reads the warehouse path from this variable.
WAREHOUSE_ENV = "GOVREPORTS_WAREHOUSE"
# DuckDB caches up to 80 % of RAM by default. The pipeline's connections and dbt's keep under
# this limit instead (bigger sorts and joins spill to disk), so a run fits a small machine.
DUCKDB_MEMORY_LIMIT_ENV = "GOVREPORTS_DUCKDB_MEMORY_LIMIT"
DUCKDB_MEMORY_LIMIT_DEFAULT = "768MB"
# The DuckDB catalog is named after the file and baked into dbt's manifest: only the folder varies.
WAREHOUSE_FILE_NAME = "warehouse.duckdb"
# Each file is parsed in a worker process within this budget (orchestration/warehouse/staging.py):
# a file that takes longer, or more memory than the worker had when it started, is quarantined.
# A report with tables parses in about a millisecond, a long PDF in seconds.
PARSE_SECONDS_ENV = "GOVREPORTS_PARSE_SECONDS"
PARSE_SECONDS_DEFAULT = 60.0
PARSE_MEMORY_MB_ENV = "GOVREPORTS_PARSE_MEMORY_MB"
PARSE_MEMORY_MB_DEFAULT = 2048


def _path(env: str, default: Path) -> str:
    return str(Path(os.environ.get(env, default)).resolve())


def default_landing_dir() -> str:
    return _path("GOVREPORTS_LANDING", DATA_DIR / "landing")


def default_raw_dir() -> str:
    return _path("GOVREPORTS_RAW", DATA_DIR / "raw")


def default_warehouse_path() -> str:
    return _path(WAREHOUSE_ENV, DATA_DIR / "warehouse" / WAREHOUSE_FILE_NAME)


def default_published_path() -> str:
    return _path("GOVREPORTS_PUBLISHED", DATA_DIR / "published" / WAREHOUSE_FILE_NAME)


def default_gx_dir() -> str:
    return _path("GOVREPORTS_GX", DATA_DIR / "gx")


def default_sources_path() -> str:
    """The portals `collected_reports` collects from; absent (the default), it collects nothing."""
    return _path("GOVREPORTS_SOURCES", DATA_DIR / "sources.yaml")


def duckdb_memory_limit() -> str:
    return os.environ.get(DUCKDB_MEMORY_LIMIT_ENV, DUCKDB_MEMORY_LIMIT_DEFAULT)


def parse_seconds() -> float:
    return float(os.environ.get(PARSE_SECONDS_ENV, PARSE_SECONDS_DEFAULT))


def parse_memory_mb() -> int:
    return int(os.environ.get(PARSE_MEMORY_MB_ENV, PARSE_MEMORY_MB_DEFAULT))
