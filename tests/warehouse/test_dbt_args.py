"""The `dbt build` arguments of a run (build_state.dbt_build_args), case by case."""

import json
from datetime import datetime

import duckdb

from orchestration.warehouse.build_state import BuildState, dbt_build_args

BUILT_AT = datetime(2024, 3, 6, 8, 0, 5, 123456)  # as ingest.dbt_build_state holds it: naive UTC
LAST = BuildState("fingerprint-1", "code-1", BUILT_AT)
SAME_CODE_NEW_ROWS = BuildState("fingerprint-2", "code-1")
NEW_CODE = BuildState("fingerprint-3", "code-2")


def test_first_build_is_from_scratch():
    assert dbt_build_args(None, SAME_CODE_NEW_ROWS) == ["build", "--full-refresh"]


def test_changed_dbt_code_rebuilds_from_scratch():
    assert dbt_build_args(LAST, NEW_CODE) == ["build", "--full-refresh"]


def test_full_rebuild_asked_is_from_scratch_whatever_the_state():
    for last, now in [(LAST, SAME_CODE_NEW_ROWS), (LAST, NEW_CODE), (None, NEW_CODE), (LAST, LAST)]:
        assert dbt_build_args(last, now, full_rebuild=True) == ["build", "--full-refresh"]


def test_new_rows_with_the_same_code_build_incrementally_and_test_rows_parsed_since_the_last_build():
    args = dbt_build_args(LAST, SAME_CODE_NEW_ROWS)
    assert args == ["build", "--vars", '{"rows_parsed_since": "2024-03-06 08:00:05.123456"}']
    # The models' tests compare `parsed_at > '<var>'`: the value must read back as the build time.
    since = json.loads(args[2])["rows_parsed_since"]
    assert duckdb.sql(f"select timestamp '{since}'").fetchall() == [(BUILT_AT,)]


def test_a_state_never_recorded_checks_every_row():
    unrecorded = BuildState("fingerprint-1", "code-1")  # no built_at
    assert dbt_build_args(unrecorded, SAME_CODE_NEW_ROWS) == ["build"]


def test_each_call_returns_a_new_list():
    first = dbt_build_args(LAST, SAME_CODE_NEW_ROWS)
    first.append("--select")
    assert dbt_build_args(LAST, SAME_CODE_NEW_ROWS) == [
        "build",
        "--vars",
        '{"rows_parsed_since": "2024-03-06 08:00:05.123456"}',
    ]
