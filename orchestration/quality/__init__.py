"""Great Expectations consistency checks: suites from files, a runner, Data Docs.

No Dagster import here: the Dagster asset checks wrap these functions.
"""

from orchestration.quality.docs import build_data_docs
from orchestration.quality.runner import ExpectationOutcome, SuiteResult, run_suite
from orchestration.quality.suites import ExpectationSpec, Suite, SuiteFileError, load_suites

__all__ = [
    "ExpectationOutcome",
    "ExpectationSpec",
    "Suite",
    "SuiteFileError",
    "SuiteResult",
    "build_data_docs",
    "load_suites",
    "run_suite",
]
